/* Sending the checkout until the server answers: the same body under the same sale id, with
 * backoff, across reloads and Wi-Fi blinks; a refusal (4xx) goes back to the cashier. */
import { api, errorMessage } from "./api.js";
import { sleep } from "./util.js";
import { fieldOfError } from "./payment.js";
import { wantsApproval } from "./approval.js";

const RETRYABLE_4XX = new Set([408, 425, 429]);
const MAX_BACKOFF_MS = 20000;

export function checkoutPart() {
  return {
    sending: { attempt: 0, retrying: false, waitSeconds: 0, problem: "", needLogin: false },
    sendLoopRunning: false,
    wake: {},
    saleApprover: null, // {saleId, approver}: in memory only, never in localStorage

    retryNow() {
      if (this.wake.resolve) this.wake.resolve();
    },

    async sendPending() {
      if (this.sendLoopRunning) return;
      const pending = this.store.get("pending");
      if (!pending) return;
      this.sendLoopRunning = true;
      this.screen = "sending";
      this.sending = { attempt: 0, retrying: false, waitSeconds: 0, problem: "", needLogin: false };
      try {
        for (let attempt = 1; ; attempt++) {
          this.sending.attempt = attempt;
          this.sending.waitSeconds = 0;
          let res = null;
          try {
            res = await api("POST", "/api/sales", this.bodyToSend(pending.body));
          } catch {
            this.online = false;
            this.sending.problem = "서버에 연결할 수 없습니다 (Wi-Fi 확인)";
          }
          if (res) this.online = true;
          if (res && (res.status === 200 || res.status === 201)) {
            this.checkoutDone(res.data);
            return;
          }
          if (res && res.status === 400 && res.data?.error?.code === "csrf") {
            this.sending.problem = errorMessage(res); // token not renewed yet: keep trying
          } else if (res && res.status === 401) {
            // Logged out (교대 on another tab, or the server restarted): keep the checkout and
            // finish it after the next log-in.
            this.sending.needLogin = true;
            this.sending.retrying = false;
            this.sending.problem = "로그인이 풀렸습니다. 다시 로그인하면 이 결제를 이어서 보냅니다.";
            return;
          } else if (res && res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status)) {
            this.checkoutRefused(res);
            return;
          } else if (res) {
            this.sending.problem = `서버 오류 (${res.status})`;
          }
          const delay = Math.min(1000 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
          this.sending.retrying = true;
          this.sending.waitSeconds = Math.ceil(delay / 1000);
          const countdown = setInterval(() => {
            if (this.sending.waitSeconds > 0) this.sending.waitSeconds -= 1;
          }, 1000);
          await sleep(delay, this.wake);
          clearInterval(countdown);
          this.wake = {};
        }
      } finally {
        this.sendLoopRunning = false;
      }
    },

    /** The stored body, with the manager's approval when one was given for this sale (the
     * server's request hash ignores the PIN, so the sale id stays the same). */
    bodyToSend(body) {
      const a = this.saleApprover;
      return a && a.saleId === body.id ? { ...body, approver: a.approver } : body;
    },

    /** 403 approval_required (a discount over the limit) or a refused PIN: ask the manager and
     * send the same body again; giving up drops it and goes back to the payment step. */
    async checkoutNeedsApproval(res) {
      this.screen = "pay";
      const pending = this.store.get("pending");
      const refused = res.data.error.code === "approval_refused";
      const approver = await this.askApproval({
        title: "할인 승인",
        message: refused ? "한도를 넘는 할인에는 매니저 승인이 필요합니다" : errorMessage(res),
        error: refused ? errorMessage(res) : "",
      });
      this.closeApproval();
      if (!approver || !pending || this.store.get("pending")?.body?.id !== pending.body.id) {
        this.store.remove("pending");
        this.saleApprover = null;
        this.payError = "매니저 승인 없이는 이 할인으로 결제할 수 없습니다. 할인을 바꾸거나 다시 결제하세요";
        return;
      }
      this.saleApprover = { saleId: pending.body.id, approver };
      this.sendPending();
    },

    checkoutDone(sale) {
      this.saleApprover = null;
      const pending = this.store.get("pending");
      if (pending && pending.body && pending.body.id === sale.id) this.store.remove("pending");
      this.emptyCart();
      this.payments = [];
      this.fairNotice = "";
      this.done = sale;
      this.store.set("done", sale);
      this.screen = "done";
      this.printMessage = "";
      this.pollPrint();
      this.loadCatalog(); // stock counts moved
    },

    /** Scroll the outlined field (errorField) into sight, once the payment step is shown (x-show
     * may show it a frame after this tick: try again on a few frames). */
    showErrorField(tries = 5) {
      this.$nextTick(() => {
        const input = this.$refs.payFields?.querySelector(".invalid");
        const box = input?.closest(".field") || input;
        if (!box) return;
        if (box.getClientRects().length) box.scrollIntoView({ block: "nearest" });
        else if (tries > 1) requestAnimationFrame(() => this.showErrorField(tries - 1));
      });
    },

    /** 4xx: the server changed nothing. Drop the pending body and let the cashier fix it; the
     * field the server names is outlined and gets the keypad. */
    checkoutRefused(res) {
      if (wantsApproval(res) && this.store.get("pending")) {
        this.checkoutNeedsApproval(res);
        return;
      }
      this.store.remove("pending");
      this.saleApprover = null;
      const err = res.data?.error || {};
      const message = errorMessage(res, "결제를 처리하지 못했습니다");
      if (err.code === "fair_not_open") {
        // the fair is not selling (not opened yet, or closed): say so over the menu until a
        // sale goes through; the cart stays for when it opens
        this.screen = "sell";
        this.dropPayHistory();
        this.fairNotice = message;
        this.showToast(message);
      } else if (err.code === "no_shift") {
        // the till is not open (closed from the back office, or never opened): open it first;
        // the cart and the payment step stay
        this.screen = "pay";
        this.payError = message;
        this.needsFloat = true;
        this.openFloat();
      } else if (err.code === "insufficient_stock" || err.code === "sold_out" || err.code === "unknown_product") {
        this.screen = "sell";
        this.dropPayHistory();
        this.showToast(message);
        this.loadCatalog();
      } else {
        this.screen = "pay";
        this.payError = message;
        const field = fieldOfError(err.field);
        if (field === "identifier" && !this.cashReceipt.on) return;
        if (field) {
          this.errorField = field;
          this.padTarget = field;
          this.showErrorField();
        }
        if (err.code === "payment_mismatch") this.loadCatalog();
        if (err.code === "invalid_discount_reason") this.loadDiscountReasons(); // list changed
      }
    },
  };
}
