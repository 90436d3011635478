/* 꿈이든 POS: the cashier screen, one Alpine component made of one module per part of the
 * screen. Everything goes through the JSON API (/api/catalog, /api/sales, ...); text from the
 * server is only ever shown with x-text (textContent), never as HTML.
 *
 * Loaded with <script type="module"> BEFORE the deferred vendor/alpine.min.js: module scripts
 * run in document order with deferred ones, so "alpine:init" is listened for in time. */
import { api, Store } from "./api.js";
import { approvalPart } from "./approval.js";
import { askPart } from "./ask.js";
import { availabilityPart } from "./availability.js";
import { boothPart } from "./booth.js";
import { cartPart } from "./cart.js";
import { checkoutPart } from "./checkout.js";
import { clockPart } from "./clock.js";
import { countPart } from "./count.js";
import { discountPart } from "./discount.js";
import { donePart } from "./done.js";
import { keypadPart } from "./keypad.js";
import { menuPart } from "./menu.js";
import { optionsPart } from "./options.js";
import { paymentPart } from "./payment.js";
import { refundPart } from "./refund.js";
import { shiftPart } from "./shift.js";
import { syncPart } from "./syncdot.js";
import { tillPart } from "./till.js";
import { todayPart } from "./today.js";
import { cleanMessage, won } from "./util.js";

/** How often an idle tablet asks whether the catalog changed (품절, prices, stock). */
const PING_MS = 8000;
const TOAST_MS = 4000;

/** Merge the parts into one object, keeping getters as getters (a spread would call them). */
function compose(...parts) {
  const out = {};
  for (const part of parts) Object.defineProperties(out, Object.getOwnPropertyDescriptors(part));
  return out;
}

function framePart() {
  return {
    config: { site: { code: "", kind: "" }, user: {}, methods: {}, purposes: {} },
    store: null,
    screen: "sell", // sell | pay | sending | done
    online: navigator.onLine,
    toast: "",
    toastTimer: null,

    won,
    cleanMessage,

    init() {
      this.config = JSON.parse(document.getElementById("pos-config").textContent);
      this.store = new Store(this.config.site.code);
      this.selectMethod(Object.keys(this.config.methods)[0]);

      const savedCart = this.store.get("cart");
      if (savedCart && Array.isArray(savedCart.lines)) this.cart = savedCart;
      const cached = this.store.get("catalog");
      if (cached && Array.isArray(cached.products)) {
        this.catalog = cached;
        this.catalogState = "stale";
      }
      const pending = this.store.get("pending");
      const done = this.store.get("done");
      if (pending) {
        // A checkout was on its way when the page went away: finish it first.
        this.sendPending();
      } else if (done) {
        this.done = done;
        this.screen = "done";
        this.pollPrint();
      }
      this.loadCatalog();
      this.initBooth();
      this.loadDiscountReasons();
      this.loadShift();
      this.initSync();
      this.initClock();

      window.addEventListener("online", () => {
        this.online = true;
        this.retryNow();
      });
      window.addEventListener("offline", () => {
        this.online = false;
      });
      setInterval(() => this.ping(), PING_MS);
      window.addEventListener("keydown", (ev) => this.onGlobalKey(ev));
      window.addEventListener("popstate", () => this.onBack());
      window.addEventListener("storage", (ev) => {
        if (ev.key === this.store.prefix + "cart" && this.screen === "sell") {
          this.cart = this.store.get("cart") || { lines: [], discount: null };
        }
      });
    },

    /** Online check and catalog freshness in one: while selling, a changed version (a 품절
     * mark, a new price, stock sold at another tablet) reloads the menu within seconds. */
    async ping() {
      this.now = Date.now();
      try {
        const res = await api("GET", "/api/catalog/version");
        this.online = res.ok || res.status === 401;
        const version = res.ok ? res.data?.version : null;
        if (version && version !== this.catalog.version && this.screen === "sell") {
          this.loadCatalog();
        }
      } catch {
        this.online = false;
      }
    },

    /** Some dialog is over the screen (keys then belong to it, not to the search box). */
    get modalOpen() {
      return Boolean(
        this.dialog || this.jobsOpen || this.question || this.boothOpen || this.discountDialog ||
          this.approval || this.tillOpen || this.todayOpen,
      );
    },

    showToast(message) {
      this.toast = message;
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => (this.toast = ""), TOAST_MS);
    },
  };
}

document.addEventListener("alpine:init", () => {
  window.Alpine.data("cashier", () =>
    compose(
      framePart(),
      menuPart(),
      optionsPart(),
      cartPart(),
      discountPart(),
      keypadPart(),
      paymentPart(),
      checkoutPart(),
      donePart(),
      askPart(),
      approvalPart(),
      shiftPart(),
      tillPart(),
      countPart(),
      todayPart(),
      refundPart(),
      boothPart(),
      availabilityPart(),
      syncPart(),
      clockPart(),
    ),
  );
});
