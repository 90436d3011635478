/* Discounts on the tablet: on one cart line or on the whole order, in won or percent, with a
 * reason from the manager's list (GET /api/discount-reasons). The amounts shown follow the
 * server's rule exactly (pos/sales/pricing.py), so the payment adds up: a line's percent is
 * rounded half up on its amount, the order's on what is left after the lines' own discounts.
 * Over the site's limit the server asks for a manager's PIN (see approval.js, checkout.js). */
import { api } from "./api.js";
import { digitsOf, toInt, won } from "./util.js";

/** n / d rounded half up, for n ≥ 0 (money.div_round_half_up). */
export function halfUp(n, d) {
  return Math.floor((2 * n + d) / (2 * d));
}

/** Won taken off ``amount`` by a discount {pct} or {won} (0 without one). */
export function discountOff(discount, amount) {
  if (!discount) return 0;
  if (discount.pct) return halfUp(amount * discount.pct, 100);
  return discount.won || 0;
}

const QUICK_PCT = [5, 10, 20, 30, 50, 100];
const QUICK_WON = [500, 1000, 2000, 5000];

export function discountPart() {
  return {
    discountReasons: [], // [{id, name}]
    approvalPct: null, // the site's limit (null: never asks)
    reasonsLoaded: false,
    discountDialog: null, // {target: "order" | line key, kind: "won" | "pct", value, reason, error}
    quickPct: QUICK_PCT,
    quickWon: QUICK_WON,

    async loadDiscountReasons() {
      try {
        const res = await api("GET", "/api/discount-reasons");
        if (!res.ok || !res.data) return;
        this.discountReasons = Array.isArray(res.data.reasons) ? res.data.reasons : [];
        this.approvalPct = res.data.approval_pct ?? null;
        this.reasonsLoaded = true;
      } catch {
        /* offline: the list comes with the next open */
      }
    },

    /** ---- amounts (the same arithmetic as the server) */
    lineGross(line) {
      return line.unit_price * line.qty;
    },

    lineDiscount(line) {
      return Math.min(discountOff(line.discount, this.lineGross(line)), this.lineGross(line));
    },

    /** What is left of the lines after their own discounts. */
    get cartRest() {
      return this.cart.lines.reduce((s, l) => s + this.lineGross(l) - this.lineDiscount(l), 0);
    },

    get orderDiscount() {
      return Math.min(discountOff(this.cart.discount, this.cartRest), this.cartRest);
    },

    get cartSubtotal() {
      return this.cart.lines.reduce((s, l) => s + this.lineGross(l), 0);
    },

    /** Every won taken off: the lines' own discounts and the order's. */
    get cartDiscount() {
      return this.cartSubtotal - this.cartTotal;
    },

    get cartTotal() {
      return this.cartRest - this.orderDiscount;
    },

    discountText(discount) {
      if (!discount) return "";
      const how = discount.pct ? `${discount.pct}%` : won(discount.won);
      return discount.reason ? `${how} · ${discount.reason}` : how;
    },

    /** "할인 −1,000원 · 단골 쿠폰", "할인 −900원 (20% · 직원 할인)" */
    offText(discount, off) {
      if (!discount) return "";
      if (discount.pct) return `할인 −${won(off)} (${this.discountText(discount)})`;
      return discount.reason ? `할인 −${won(off)} · ${discount.reason}` : `할인 −${won(off)}`;
    },

    /** The API's fields for a discount: {discount | discount_pct, discount_reason}. */
    discountFields(discount) {
      if (!discount) return {};
      const out = discount.pct ? { discount_pct: discount.pct } : { discount: discount.won };
      if (discount.reason) out.discount_reason = discount.reason;
      return out;
    },

    /** ---- the dialog */
    openDiscount(target = "order") {
      if (!this.cart.lines.length) return;
      if (!this.reasonsLoaded) this.loadDiscountReasons();
      const current = target === "order" ? this.cart.discount : this.lineByKey(target)?.discount;
      this.discountDialog = {
        target,
        kind: current?.pct ? "pct" : "won",
        value: current ? String(current.pct || current.won) : "",
        reason: current?.reason || "",
        error: "",
      };
    },

    closeDiscount() {
      this.discountDialog = null;
    },

    lineByKey(key) {
      return this.cart.lines.find((l) => l.key === key) || null;
    },

    /** What the chosen target costs before this discount. */
    get discountBase() {
      const d = this.discountDialog;
      if (!d) return 0;
      if (d.target === "order") return this.cartRest;
      const line = this.lineByKey(d.target);
      return line ? this.lineGross(line) : 0;
    },

    get discountPreview() {
      const d = this.discountDialog;
      if (!d) return 0;
      const value = toInt(d.value);
      return d.kind === "pct" ? halfUp(this.discountBase * value, 100) : value;
    },

    /** The server will ask for a manager's PIN for this one (a hint; the server decides). */
    get discountNeedsApproval() {
      if (this.approvalPct === null || this.approvalPct === undefined) return false;
      return this.discountPreview * 100 > this.approvalPct * this.discountBase;
    },

    discountTargetName(target) {
      if (target === "order") return "주문 전체";
      return this.lineByKey(target)?.name || "";
    },

    setDiscountKind(kind) {
      const d = this.discountDialog;
      if (d.kind !== kind) d.value = "";
      d.kind = kind;
      d.error = "";
    },

    discountPress(key) {
      const d = this.discountDialog;
      let value = String(d.value || "");
      if (key === "back") value = value.slice(0, -1);
      else if (key === "clear") value = "";
      else value += key;
      d.value = digitsOf(value, d.kind === "pct" ? 3 : 9);
      d.error = "";
    },

    discountQuick(kind, value) {
      this.discountDialog.kind = kind;
      this.discountDialog.value = String(value);
      this.discountDialog.error = "";
    },

    applyDiscount() {
      const d = this.discountDialog;
      const value = toInt(d.value);
      if (!value) {
        d.error = d.kind === "pct" ? "할인율을 입력하세요" : "할인 금액을 입력하세요";
        return;
      }
      if (d.kind === "pct" && value > 100) {
        d.error = "할인율은 100% 이하로 입력하세요";
        return;
      }
      if (this.discountPreview > this.discountBase) {
        d.error = `할인 금액이 ${this.discountTargetName(d.target)} 금액(${won(this.discountBase)})보다 큽니다`;
        return;
      }
      if (this.discountReasons.length && !d.reason) {
        d.error = "할인 사유를 고르세요";
        return;
      }
      const discount = d.kind === "pct" ? { pct: value } : { won: value };
      if (d.reason) discount.reason = d.reason;
      this.setDiscount(d.target, discount);
      this.discountDialog = null;
    },

    removeDiscount() {
      this.setDiscount(this.discountDialog.target, null);
      this.discountDialog = null;
    },

    setDiscount(target, discount) {
      if (target === "order") {
        this.cart.discount = discount;
      } else {
        const line = this.lineByKey(target);
        if (line) line.discount = discount;
      }
      this.saveCart();
    },

    /** After a quantity change: a won discount bigger than the line shrinks to the line. */
    fitLineDiscount(line) {
      if (line.discount?.won && line.discount.won > this.lineGross(line)) {
        line.discount.won = this.lineGross(line);
        this.showToast(`${line.name} 할인을 ${won(line.discount.won)}으로 줄였습니다`);
      }
      if (this.cart.discount?.won && this.cart.discount.won > this.cartRest) {
        this.cart.discount.won = this.cartRest;
        this.showToast(`주문 할인을 ${won(this.cartRest)}으로 줄였습니다`);
      }
    },
  };
}
