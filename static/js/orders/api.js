/* The board's calls to the JSON API: fetch + JSON with the page's CSRF token, renewed through
 * /api/me when it expires (a bar tablet stays on this page all day). */
const REQUEST_TIMEOUT_MS = 10000;

let csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

/** Resolves {status, ok, data} for any HTTP answer; throws when there was none. */
export async function api(method, path, body) {
  const res = await request(method, path, body);
  if (method !== "GET" && res.status === 400 && res.data?.error?.code === "csrf") {
    const me = await request("GET", "/api/me");
    if (me.ok && me.data?.csrf_token) {
      csrfToken = me.data.csrf_token;
      return request(method, path, body);
    }
  }
  return res;
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: ctrl.signal,
    });
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  return { status: res.status, ok: res.ok, data };
}

/** The Korean message of an API error, or a fallback. */
export function errorMessage(res, fallback) {
  return res?.data?.error?.message || fallback || `요청을 처리하지 못했습니다 (오류 ${res?.status})`;
}
