// The recap editor's side of the server: the writer token and the API calls.
//
// The writer link carries the token in its fragment (#writer=…), which no
// browser sends to a server. The page moves it to localStorage, takes it
// out of the address bar, and sends it in an Authorization header on every
// call, never in a URL.

const TOKEN_PREFIX = "hashtalk:writer:";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The server answered ${status}.`);
    this.status = status;
    this.code = (body && body.code) || "http";
    this.body = body || {};
  }
}

export class WriterApi {
  /** onDenied() runs once when the server refuses the token (401). */
  constructor(slug, onDenied) {
    this.slug = slug;
    this.onDenied = onDenied;
    this.key = TOKEN_PREFIX + slug;
    this.token = takeToken(this.key);
  }

  get hasToken() {
    return Boolean(this.token);
  }

  url(path) {
    return `/api/sessions/${encodeURIComponent(this.slug)}/recap${path}`;
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, body) {
    return this.request("POST", path, body);
  }

  /** The answer's JSON; an ApiError for a refusal; a TypeError when the server cannot be reached. */
  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(this.url(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    if (response.ok) return answer;
    if (response.status === 401) {
      forget(this.key);
      this.onDenied();
    }
    throw new ApiError(response.status, answer);
  }
}

function takeToken(key) {
  const match = /(?:^#|&)writer=([^&]+)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]);
    try {
      localStorage.setItem(key, token);
    } catch {
      // Storage off: the token lives as long as this page.
    }
    // Out of the address bar, so it is not bookmarked, shared or shown over a shoulder.
    history.replaceState(null, "", location.pathname + location.search);
    return token;
  }
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function forget(key) {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing to forget.
  }
}
