/* 꿈이든 POS: the log-in page. Tap your name, then your PIN on the big keypad.
 *
 * The PIN goes to POST /api/login. A locked name (423, or 429 when one address tries too
 * often) gets a countdown and a keypad that cannot be pressed until the lock ends: the
 * answer's error.retry_after (seconds), else its Retry-After header, else 60 seconds. Locks
 * are remembered on this tablet, so a reload does not bring back a live keypad. */
import { cleanMessage } from "./cashier/util.js";

const LOCK_FALLBACK_S = 60;
const LOCKS_KEY = "kkumideun.pos.v1.login-locks";

function readLocks() {
  try {
    const locks = JSON.parse(window.localStorage.getItem(LOCKS_KEY) || "{}");
    return locks && typeof locks === "object" ? locks : {};
  } catch {
    return {};
  }
}

function writeLocks(locks) {
  const now = Date.now();
  const live = Object.fromEntries(Object.entries(locks).filter(([, until]) => until > now));
  try {
    window.localStorage.setItem(LOCKS_KEY, JSON.stringify(live));
  } catch {
    /* private mode or full: the countdown still runs on this page */
  }
}

/** Seconds of a lock from an answer; 60 when the server says nothing usable. */
export function lockSeconds(res, data) {
  const body = Number(data?.error?.retry_after);
  if (Number.isFinite(body) && body > 0) return Math.ceil(body);
  const header = res.headers.get("Retry-After");
  if (header) {
    const secs = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
    if (Number.isFinite(secs) && secs > 0) return Math.ceil(secs);
  }
  return LOCK_FALLBACK_S;
}

/** Only a plain path on this server (the server checks again; this keeps the tablet here). */
function safeNext(target) {
  const ok = typeof target === "string" && /^\/(?![/\\])[^\s\\]*$/.test(target);
  return ok ? target : "/"; // the server sends cashiers to the till, the others to /admin
}

document.addEventListener("alpine:init", () => {
  window.Alpine.data("pinLogin", () => ({
    mode: "pin", // "pin" (cashier tiles + keypad) or "password" (managers, admins)
    username: "",
    name: "",
    pin: "",
    adminUsername: "",
    submitting: false,
    message: "",
    lockedUntil: 0, // ms since the epoch; 0 = not locked
    byManager: true, // whether a manager's 잠금 해제 on /staff lifts the lock
    now: Date.now(),
    ticker: null,

    init() {
      const params = new URLSearchParams(window.location.search);
      const wanted = this.$root.dataset.preselect;
      if (wanted) {
        const tile = Array.from(this.$root.querySelectorAll(".tile")).find(
          (t) => t.dataset.username === wanted,
        );
        if (tile) {
          // a lock the server reported through the form (?locked=SECONDS)
          const locked = Number(params.get("locked"));
          if (locked > 0) this.remember(wanted, Date.now() + locked * 1000);
          this.choose(tile.dataset.username, tile.dataset.name);
        } else {
          this.adminUsername = wanted;
          this.mode = "password";
        }
      }
      // A hardware keyboard works too: digits, Backspace and Enter.
      window.addEventListener("keydown", (ev) => {
        if (this.mode !== "pin" || !this.username) return;
        if (/^[0-9]$/.test(ev.key)) this.press(ev.key);
        else if (ev.key === "Backspace") this.back();
        else if (ev.key === "Enter") this.submit();
        else return;
        ev.preventDefault();
      });
    },

    get lockLeft() {
      return Math.max(0, Math.ceil((this.lockedUntil - this.now) / 1000));
    },

    get locked() {
      return this.lockLeft > 0;
    },

    /** "4:05" for a countdown the cashier can read at a glance. */
    get lockClock() {
      const s = this.lockLeft;
      return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    },

    get lockText() {
      const s = this.lockLeft;
      const m = Math.floor(s / 60);
      if (!m) return `${s}초`;
      return s % 60 ? `${m}분 ${s % 60}초` : `${m}분`;
    },

    remember(username, until) {
      const locks = readLocks();
      locks[username] = until;
      writeLocks(locks);
    },

    startLock(until) {
      this.lockedUntil = until;
      this.now = Date.now();
      clearInterval(this.ticker);
      this.ticker = setInterval(() => {
        this.now = Date.now();
        if (!this.locked) this.endLock();
      }, 250);
    },

    endLock() {
      clearInterval(this.ticker);
      this.ticker = null;
      this.lockedUntil = 0;
      this.message = "";
      const locks = readLocks();
      delete locks[this.username];
      writeLocks(locks);
    },

    choose(username, name) {
      this.username = username;
      this.name = name;
      this.pin = "";
      this.message = "";
      const until = readLocks()[username] || 0;
      if (until > Date.now()) this.startLock(until);
      else if (this.lockedUntil) this.endLock();
    },

    press(digit) {
      if (this.locked || this.submitting) return;
      if (this.pin.length < 6) this.pin += digit;
    },

    back() {
      if (this.locked) return;
      this.pin = this.pin.slice(0, -1);
    },

    reset() {
      clearInterval(this.ticker);
      this.ticker = null;
      this.lockedUntil = 0;
      this.username = "";
      this.name = "";
      this.pin = "";
      this.message = "";
    },

    async submit() {
      if (this.pin.length < 4 || this.submitting || this.locked) return;
      this.submitting = true;
      const next = this.$refs.pinForm.elements.next.value;
      let res;
      let data = null;
      try {
        res = await fetch("/api/login", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ username: this.username, pin: this.pin }),
          credentials: "same-origin",
          cache: "no-store",
        });
        data = await res.json().catch(() => null);
      } catch {
        this.submitting = false;
        this.message = "서버에 연결할 수 없습니다. Wi-Fi를 확인하고 다시 누르세요.";
        return;
      }
      if (res.ok) {
        window.location.assign(safeNext(next));
        return; // keep the keypad disabled while the next page loads
      }
      this.submitting = false;
      this.pin = "";
      const said = cleanMessage(data?.error?.message);
      if (res.status === 423 || res.status === 429) {
        const until = Date.now() + lockSeconds(res, data) * 1000;
        this.remember(this.username, until);
        this.startLock(until);
        // 423 is this name's lock (a manager can lift it); 429 is too many tries from here
        this.byManager = res.status === 423;
        this.message = said || "로그인 시도가 너무 많아 잠겼습니다.";
      } else {
        this.message = said || `로그인하지 못했습니다 (오류 ${res.status})`;
      }
      // a reload opens this cashier's keypad again
      const query = new URLSearchParams({ user: this.username });
      if (next) query.set("next", next);
      window.history.replaceState(null, "", `/login?${query}`);
    },

    showPassword() {
      this.mode = "password";
      this.$nextTick(() => this.$refs.adminUser.focus());
    },
  }));
});
