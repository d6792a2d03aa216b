// Times shown in the visitor's own time zone and language; countdowns.

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});
const clockTime = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** "Thu, 3 Dec 2026, 18:00 CET" in the visitor's zone. */
export function localDateTime(iso) {
  return dateTime.format(new Date(iso));
}

/** "18:03" in the visitor's zone. */
export function localTime(iso) {
  return clockTime.format(new Date(iso));
}

/** Milliseconds from now until `iso` (negative once past). */
export function until(iso) {
  return new Date(iso).getTime() - Date.now();
}

/** A duration as "4:05", "1:02:03" or "3 days 4 h"; never negative. */
export function duration(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  if (days >= 2) return `${days} days ${Math.floor((total % 86400) / 3600)} h`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}
