/* The bar's order board (templates/orders/board.html): polls GET /api/orders?status=all every
 * few seconds, shows waiting orders as big tiles (tap = 완료) and the latest done ones with
 * 되돌리기. While the server is unreachable it keeps showing the last answer. */
// the tablet's own calls: CSRF renewed through /api/me, a timeout, Korean error messages
import { api, errorMessage } from "../cashier/api.js";

const config = JSON.parse(document.getElementById("bar-config").textContent);
const TOAST_MS = 6000;
/** minutes after which a waiting order is late (orange), then very late (red) */
const LATE_MIN = 7;
const VERY_LATE_MIN = 12;

function board() {
  return {
    orders: [],
    loaded: false,
    online: true,
    showDone: window.matchMedia("(min-width: 900px)").matches,
    reprintMode: false,
    busy: {},
    toast: "",
    lastDone: null,
    toastTimer: null,
    pollTimer: null,

    init() {
      this.refresh();
      this.pollTimer = setInterval(() => this.refresh(), config.poll_ms);
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") this.refresh();
      });
    },

    get waiting() {
      return this.orders.filter((o) => o.status === "waiting");
    },

    get done() {
      return this.orders
        .filter((o) => o.status === "done")
        .sort((a, b) => (b.done_at || "").localeCompare(a.done_at || "") || b.number - a.number);
    },

    async refresh() {
      try {
        const res = await api("GET", "/api/orders?status=all");
        if (res.ok) {
          this.orders = res.data.orders;
          this.loaded = true;
          this.online = true;
        } else if (res.status === 401) {
          window.location.href = `/login?next=${encodeURIComponent("/bar")}`;
        } else {
          this.online = true;
          this.say(errorMessage(res, "주문을 불러오지 못했습니다"));
        }
      } catch {
        this.online = false;
      }
    },

    /** Replace one order with the server's answer (or add it). */
    put(order) {
      const i = this.orders.findIndex((o) => o.sale_id === order.sale_id);
      if (i >= 0) this.orders.splice(i, 1, order);
      else this.orders.push(order);
    },

    async tap(order) {
      if (this.reprintMode) return this.reprint(order);
      return this.markDone(order);
    },

    async markDone(order) {
      if (this.busy[order.sale_id]) return;
      this.busy[order.sale_id] = true;
      try {
        const res = await api("POST", `/api/orders/${order.sale_id}/done`);
        if (res.ok) {
          this.put(res.data);
          this.say(`${res.data.number}번 완료`, res.data);
        } else {
          this.say(errorMessage(res, "완료로 옮기지 못했습니다"));
          this.refresh();
        }
      } catch {
        this.online = false;
        this.say("연결이 끊겨 완료로 옮기지 못했습니다. 다시 눌러 주세요");
      } finally {
        this.busy[order.sale_id] = false;
      }
    },

    async undo(order) {
      if (!order || this.busy[order.sale_id]) return;
      this.busy[order.sale_id] = true;
      try {
        const res = await api("POST", `/api/orders/${order.sale_id}/undo`);
        if (res.ok) {
          this.put(res.data);
          this.say(`${res.data.number}번을 다시 만드는 중으로 돌렸습니다`);
        } else {
          this.say(errorMessage(res, "되돌리지 못했습니다"));
          this.refresh();
        }
      } catch {
        this.online = false;
        this.say("연결이 끊겨 되돌리지 못했습니다. 다시 눌러 주세요");
      } finally {
        this.busy[order.sale_id] = false;
      }
    },

    async reprint(order) {
      this.reprintMode = false;
      try {
        const res = await api("POST", `/api/orders/${order.sale_id}/print`);
        this.say(res.ok ? `${order.number}번 주문표를 다시 출력합니다` : errorMessage(res, "출력하지 못했습니다"));
      } catch {
        this.online = false;
        this.say("연결이 끊겨 출력하지 못했습니다");
      }
    },

    /** A short note at the bottom; ``undoable``: the order its 되돌리기 button puts back. */
    say(message, undoable = null) {
      this.lastDone = undoable;
      this.toast = message;
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => {
        this.toast = "";
        this.lastDone = null;
      }, TOAST_MS);
    },

    age(order) {
      return order.minutes < 1 ? "방금" : `${order.minutes}분 전`;
    },

    /** The bar ticket did not print (yet): the tile says so, so nobody waits for paper. */
    printTrouble(order) {
      return ["retrying", "failed"].includes(order.print?.status);
    },

    tileClass(order) {
      return {
        late: order.minutes >= LATE_MIN && order.minutes < VERY_LATE_MIN,
        "very-late": order.minutes >= VERY_LATE_MIN,
        togo: order.order_type === "togo",
        reprint: this.reprintMode,
      };
    },

    summary(order) {
      return order.lines.map((ln) => (ln.qty > 1 ? `${ln.name} ×${ln.qty}` : ln.name)).join(", ");
    },

    clock(iso) {
      return iso ? iso.slice(11, 16) : "";
    },
  };
}

document.addEventListener("alpine:init", () => {
  window.Alpine.data("bar", board);
});
