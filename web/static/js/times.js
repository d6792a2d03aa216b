// Times shown in the visitor's own time zone and language; countdowns on the server's clock.

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

// The server's clock minus this browser's, from the last welcome: a visitor's
// clock that is minutes (or a time zone setting) off must not move countdowns.
let serverOffset = 0;

/** Take the server's time from a welcome (`now`), to count down on the server's clock. */
export function setServerNow(iso) {
  const server = Date.parse(iso);
  if (!Number.isNaN(server)) serverOffset = server - Date.now();
}

/** The server's time now, in milliseconds, as far as this browser can tell. */
export function serverNow() {
  return Date.now() + serverOffset;
}

/** Milliseconds from now (on the server's clock) until `iso`; negative once past. */
export function until(iso) {
  return new Date(iso).getTime() - serverNow();
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
