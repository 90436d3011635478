/* The clock warning on the cashier screen: when this branch server's clock is behind the newest
 * sale it recorded (a mini PC whose battery died boots into the past), GET /api/clock says so
 * and the sell screen shows it in red until the clock is right again. */
import { api } from "./api.js";

/** How often to ask: the clock does not jump often, but a wrong one must not sell for long. */
const CLOCK_POLL_MS = 120000;

export function clockPart() {
  return {
    /** the Korean warning from the server, or "" while the clock is fine */
    clockWarning: "",

    initClock() {
      this.loadClock();
      setInterval(() => this.loadClock(), CLOCK_POLL_MS);
    },

    async loadClock() {
      try {
        const res = await api("GET", "/api/clock");
        if (res.ok && res.data) this.clockWarning = res.data.warning || "";
      } catch {
        // the server cannot be reached: the 오프라인 badge says so already
      }
    },
  };
}
