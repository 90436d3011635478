/* The tablet's memory (localStorage, one prefix per site) and its calls to the JSON API.
 *
 * What must survive a reload or a Wi-Fi blink lives in localStorage:
 *   cart     the lines being rung up
 *   pending  the checkout body being sent, with the sale id made ONCE on this tablet; it is
 *            re-sent with the same id until the server answers, so a sale is never charged twice
 *   done     the last finished sale, so a reload on the done screen still shows the change
 *   catalog  the last catalog, so the menu shows even when the server is briefly unreachable
 */
import { cleanMessage } from "./util.js";

const KEY_PREFIX = "kkumideun.pos.v1";
const REQUEST_TIMEOUT_MS = 15000;

export class Store {
  constructor(site) {
    this.prefix = `${KEY_PREFIX}.${site}.`;
  }
  get(name) {
    try {
      const raw = window.localStorage.getItem(this.prefix + name);
      return raw ? JSON.parse(raw) : null;
    } catch (err) {
      console.warn("localStorage read failed", name, err);
      return null;
    }
  }
  set(name, value) {
    try {
      window.localStorage.setItem(this.prefix + name, JSON.stringify(value));
      return true;
    } catch (err) {
      console.error("localStorage write failed", name, err);
      return false;
    }
  }
  remove(name) {
    try {
      window.localStorage.removeItem(this.prefix + name);
    } catch (err) {
      console.warn("localStorage remove failed", name, err);
    }
  }
}

/** Thrown when the request never got an HTTP answer (Wi-Fi down, server stopped, timeout). */
export class NetworkError extends Error {}

let csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

/** fetch + JSON. Resolves {status, ok, data} for any HTTP answer; throws NetworkError else.
 * CSRF tokens expire (an hour by default) while a tablet stays on this page all day: on a
 * "csrf" refusal the token is renewed through /api/me and the call is made once more. */
export async function api(method, path, body) {
  const res = await request(method, path, body);
  if (method !== "GET" && res.status === 400 && res.data?.error?.code === "csrf") {
    if ((await refreshCsrf()) === 200) return request(method, path, body);
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
  } catch (err) {
    throw new NetworkError(String(err));
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null; // an HTML error page from a proxy, or an empty body
  }
  return { status: res.status, ok: res.ok, data };
}

/** The Korean message of an API error (cleaned for the tablet), or a fallback. */
export function errorMessage(res, fallback) {
  const msg = cleanMessage(res?.data?.error?.message);
  return msg || fallback || `요청을 처리하지 못했습니다 (오류 ${res ? res.status : "-"})`;
}

async function refreshCsrf() {
  try {
    const res = await request("GET", "/api/me");
    if (res.ok && res.data && res.data.csrf_token) csrfToken = res.data.csrf_token;
    return res.status;
  } catch {
    return 0;
  }
}
