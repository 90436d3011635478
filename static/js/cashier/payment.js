/* The payment screen: methods, split tenders, cash with change, card approval, 현금영수증, and
 * the checks made before a sale is sent. */
import { newSaleId, toInt, won } from "./util.js";

/** Change above this asks the cashier to confirm the amount received. 50,000원 is the largest
 * Korean banknote: nobody hands over a whole 5만원권 more than the bill needs, so change above it
 * almost always means digits typed into the wrong box (a phone number became 받은 금액
 * 1,045,678원). A fixed sum rather than "10× the total" so a 5만원권 for a 2,500원 cookie
 * (change 47,500원) passes without a question. */
export const LARGE_CHANGE = 50000;

function emptyPayForm(method) {
  return {
    method: method || "cash",
    split: false, // "나눠 내기": pay only part of the rest with this method
    amount: "", // this payment's amount when split
    tendered: "", // cash handed over
    approval: "",
    issuer: "",
    cardNo: "",
    installment: 0,
  };
}

/** API error fields -> the form field to point at. */
const ERROR_FIELDS = [
  [/tendered$/, "tendered"],
  [/approval_no$/, "approval"],
  [/card_no$/, "cardNo"],
  [/^cash_receipt/, "identifier"],
  [/^payments\.\d+\.amount$/, "amount"],
];

export function fieldOfError(path) {
  const hit = ERROR_FIELDS.find(([re]) => re.test(String(path || "")));
  return hit ? hit[1] : "";
}

export function paymentPart() {
  return {
    pay: emptyPayForm(),
    payments: [], // partial payments already taken
    cashReceipt: { on: false, purpose: "income_deduction", identifier: "" },
    payError: "",
    errorField: "", // the form field the last error is about (outlined red)
    orderType: "here", // 매장 (here) or 포장 (togo), at cafés

    /** 매장/포장 is asked at cafés (the bar's ticket prints it), not at a fair. */
    get orderTypeShown() {
      return this.config.site.kind !== "fair";
    },

    startPay() {
      if (!this.cart.lines.length) return;
      this.payments = [];
      this.payError = "";
      this.errorField = "";
      this.cashReceipt = { on: false, purpose: "income_deduction", identifier: "" };
      this.orderType = "here";
      this.selectMethod(this.firstMethod());
      this.screen = "pay";
      this.pushPayHistory();
    },

    /** ← 주문 수정 (or the browser's back button) returns to the menu with the cart. */
    backToSell() {
      this.screen = "sell";
      this.payments = [];
      this.payError = "";
      this.dropPayHistory();
    },

    selectMethod(method) {
      this.pay = emptyPayForm(method);
      this.payError = "";
      this.errorField = "";
      const receipt = this.cashReceipt.on && this.cashReceiptAllowed;
      this.padTarget = receipt ? "identifier" : this.defaultPadTarget();
    },

    /** The first method this site takes, in the buttons' order (현금 first, unless a fair does
     * not take cash), other than ``except`` when there is another. method_order, as tojson
     * sorts the keys of config.methods. */
    firstMethod(except) {
      const order = this.config.method_order || Object.keys(this.config.methods);
      const taken = order.filter((m) => this.methodAccepted(m));
      return taken.find((m) => m !== except) || taken[0] || "cash";
    },

    methodLabel(method) {
      return this.config.methods[method] || method;
    },

    get paidSoFar() {
      return this.payments.reduce((s, p) => s + p.amount, 0);
    },

    get remaining() {
      return Math.max(0, this.cartTotal - this.paidSoFar);
    },

    /** What this payment covers: the whole rest, or the typed part when 나눠 내기. */
    get thisAmount() {
      return this.pay.split ? Math.min(toInt(this.pay.amount), this.remaining) : this.remaining;
    },

    get tenderedValue() {
      return toInt(this.pay.tendered);
    },

    get changeDue() {
      if (this.pay.method !== "cash") return 0;
      return Math.max(0, this.tenderedValue - this.thisAmount);
    },

    get cashShort() {
      return this.pay.method === "cash" && this.pay.tendered !== "" && this.tenderedValue < this.thisAmount;
    },

    get cashReceiptAllowed() {
      const cashLike = (m) => m === "cash" || m === "transfer";
      return cashLike(this.pay.method) || this.payments.some((p) => cashLike(p.method));
    },

    /** Ticking 현금영수증 points the keypad at its number; unticking gives 받은 금액 back. */
    cashReceiptToggled() {
      if (this.cashReceipt.on) this.padTarget = "identifier";
      else if (this.padTarget === "identifier") this.padTarget = this.defaultPadTarget();
    },

    addTendered(amount) {
      this.pay.tendered = String(this.tenderedValue + amount);
      this.padTarget = "tendered";
    },

    exactTendered() {
      this.pay.tendered = String(this.thisAmount);
      this.padTarget = "tendered";
    },

    toggleSplit() {
      this.pay.split = !this.pay.split;
      this.pay.amount = "";
      this.padTarget = this.defaultPadTarget();
    },

    /** Check the form and turn it into one API payment; returns null and says why when wrong. */
    paymentFromForm() {
      const amount = this.thisAmount;
      if (amount <= 0) {
        this.payError = this.pay.split ? "이번에 받을 금액을 입력하세요" : "받을 금액이 없습니다";
        return null;
      }
      const p = { method: this.pay.method, amount };
      if (this.pay.method === "cash") {
        const tendered = this.pay.tendered === "" ? amount : this.tenderedValue;
        if (tendered < amount) {
          this.payError = "받은 금액이 결제 금액보다 적습니다";
          this.errorField = "tendered";
          return null;
        }
        p.tendered = tendered;
      }
      const approval = this.pay.approval.trim();
      if (this.pay.method === "card" && !approval) {
        this.payError = "카드 승인번호를 입력하세요 (카드 단말기 영수증)";
        this.padTarget = "approval";
        return null;
      }
      if (approval) {
        if (!/^[0-9A-Za-z-]{1,30}$/.test(approval)) {
          this.payError = "승인번호는 숫자와 영문만 입력하세요";
          return null;
        }
        p.approval_no = approval;
      }
      if (this.pay.method === "card") {
        if (this.pay.issuer.trim()) p.issuer = this.pay.issuer.trim().slice(0, 30);
        const cardNo = this.pay.cardNo.replace(/\s/g, "");
        if (cardNo) {
          if (!/^[0-9*-]{4,25}$/.test(cardNo)) {
            this.payError = "카드번호는 숫자 4자리 이상으로 입력하세요 (뒷자리만 써도 됩니다)";
            return null;
          }
          p.card_no = cardNo;
        }
        p.installment = Number(this.pay.installment) || 0;
      }
      return p;
    },

    /** A cash payment whose change is above LARGE_CHANGE goes out only after a yes. */
    async tenderConfirmed(p) {
      if (p.method !== "cash" || p.tendered - p.amount <= LARGE_CHANGE) return true;
      const answer = await this.ask({
        title: "받은 금액을 확인하세요",
        lines: [
          ["받은 금액", won(p.tendered)],
          ["결제 금액", won(p.amount)],
          ["거스름돈", won(p.tendered - p.amount)],
        ],
        message: "거스름돈이 5만원보다 많습니다. 받은 금액이 맞습니까?",
        choices: [
          { value: "fix", label: "다시 입력" },
          { value: "ok", label: "맞습니다", primary: true },
        ],
      });
      if (answer === "ok") return true;
      this.padTarget = "tendered";
      this.errorField = "tendered";
      return false;
    },

    /** 나눠 내기: take part of the total with this method, then pay the rest another way. */
    async addPartialPayment() {
      this.payError = "";
      const p = this.paymentFromForm();
      if (!p) return;
      if (p.amount >= this.remaining) {
        this.finish();
        return;
      }
      if (!(await this.tenderConfirmed(p))) return;
      this.payments.push(p);
      this.selectMethod(this.firstMethod(this.pay.method));
    },

    removePayment(index) {
      this.payments.splice(index, 1);
    },

    get finishLabel() {
      if (this.remaining === 0) return "결제 완료";
      if (this.pay.split && this.thisAmount < this.remaining) {
        return `${this.methodLabel(this.pay.method)} ${won(this.thisAmount)} 받기`;
      }
      return `${this.methodLabel(this.pay.method)} ${won(this.remaining)} 결제`;
    },

    /** The big button: add the part payment, or check out when it covers the rest. */
    payButton() {
      if (this.remaining > 0 && this.pay.split && this.thisAmount < this.remaining) {
        this.addPartialPayment();
      } else {
        this.finish();
      }
    },

    async finish() {
      // A double tap must not make a second sale id while the first is on its way.
      if (this.sendLoopRunning || this.question || this.store.get("pending")) return;
      this.payError = "";
      this.errorField = "";
      const payments = [...this.payments];
      let fresh = null; // the payment taken on this screen now (earlier parts were confirmed)
      if (this.remaining > 0) {
        const p = this.paymentFromForm();
        if (!p) return;
        if (p.amount < this.remaining) {
          this.payError = `아직 ${won(this.remaining - p.amount)}이 남았습니다`;
          return;
        }
        payments.push(p);
        fresh = p;
      }
      const body = {
        id: newSaleId(),
        lines: this.cart.lines.map((l) => ({
          product_id: l.product_id,
          qty: l.qty,
          options: l.options.map((o) => o.id),
          ...this.discountFields(l.discount),
        })),
        payments,
        ...this.discountFields(this.cart.discount),
      };
      if (this.orderTypeShown) body.order_type = this.orderType;
      if (this.cashReceipt.on) {
        if (!payments.some((p) => p.method === "cash" || p.method === "transfer")) {
          this.payError = "현금영수증은 현금이나 계좌이체 결제에만 발급합니다";
          return;
        }
        const ident = this.cashReceipt.identifier.replace(/[\s-]/g, "");
        if (ident.length < 4) {
          this.payError = "현금영수증 번호(휴대폰 또는 사업자번호)를 입력하세요";
          this.padTarget = "identifier";
          this.errorField = "identifier";
          this.showErrorField();
          return;
        }
        body.cash_receipt = { purpose: this.cashReceipt.purpose, identifier: ident };
      }
      if (fresh && !(await this.tenderConfirmed(fresh))) return;
      if (this.screen !== "pay" || this.store.get("pending")) return; // left while asking
      // Written down BEFORE the first byte goes out: a reload or a crash resumes this very
      // body under this very id, and the server answers a repeated id with the same sale.
      if (!this.store.set("pending", { body, created: Date.now() })) {
        this.payError = "이 기기에 저장할 수 없어 결제를 시작하지 않았습니다 (저장 공간 확인)";
        return;
      }
      this.sendPending();
    },
  };
}
