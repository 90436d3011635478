/* Leaving the screen by mistake: 교대 (log out for the next cashier) asks what becomes of a full
 * cart and, with an open shift, whether to close it first (till.js), and the browser's back button closes the payment step instead of going to the log-in
 * page (which looked like being logged out). */
import { won } from "./util.js";

export function shiftPart() {
  return {
    payHistory: false, // an entry of ours is on the history stack for the payment step
    backPending: false, // dropPayHistory's history.back() has not arrived as popstate yet
    pushAfterBack: false,

    /** 교대: with lines in the cart, ask whether the next cashier takes the order over. */
    async shiftChange(form) {
      if (this.cart.lines.length) {
        const answer = await this.ask({
          title: "교대하기 전에",
          message: `주문 내역에 ${this.cartCount}개 (${won(this.cartTotal)})가 남아 있습니다.`,
          choices: [
            { value: null, label: "취소" },
            { value: "clear", label: "주문 비우고 교대" },
            { value: "keep", label: "다음 계산원에게 넘기기", primary: true },
          ],
        });
        if (!answer) return;
        if (answer === "clear") this.emptyCart();
      }
      if (this.atCafe && this.shiftsReady) {
        // an open shift: 교대 without a count, or 마감 (count, 과부족) and then log out
        const next = await this.askShiftClose(form);
        if (next !== "logout") return;
      }
      form.submit(); // a plain submit: no second submit event, no second question
    },

    pushPayHistory() {
      if (this.backPending) {
        // our step back has not landed yet: push once it has (see onBack)
        this.pushAfterBack = true;
        this.payHistory = true;
        return;
      }
      if (this.payHistory) return;
      window.history.pushState({ pos: "pay" }, "");
      this.payHistory = true;
    },

    /** The payment step was left by a button: take our history entry off again. */
    dropPayHistory() {
      if (!this.payHistory) return;
      this.payHistory = false;
      if (this.pushAfterBack) {
        this.pushAfterBack = false; // never pushed: nothing to take off
        return;
      }
      this.backPending = true;
      window.history.back();
    },

    onBack() {
      if (this.backPending) {
        this.backPending = false; // dropPayHistory's own step back
        if (this.pushAfterBack) {
          this.pushAfterBack = false;
          window.history.pushState({ pos: "pay" }, "");
        }
        return;
      }
      const ours = this.payHistory;
      this.payHistory = false;
      if (!ours) return; // an entry from before a reload: nothing of ours to close
      if (this.question) this.answer(null);
      if (this.screen === "pay") {
        this.backToSell();
      } else if (this.screen === "sending") {
        this.pushPayHistory(); // a checkout on its way: stay until the server answers
      } else if (this.screen === "done") {
        this.newOrder();
      }
    },
  };
}
