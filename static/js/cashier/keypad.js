/* The payment screen's number keypad. It types into ONE field at a time, the "target": the
 * field last tapped or focused, or the one a step chose (ticking 현금영수증 aims it at the
 * receipt number). The target is shown on the field and above the keys, so a phone number can
 * no longer end up in 받은 금액. */
import { digitsOf, grouped } from "./util.js";

/** Field -> what the keypad's header calls it. */
export const PAD_FIELDS = {
  tendered: "받은 금액",
  amount: "이번에 받을 금액",
  approval: "승인번호",
  cardNo: "카드번호 뒷자리",
  identifier: "현금영수증 번호",
};

/** Money fields hold digits only (shown with commas); the others may start with 0. */
const AMOUNT_FIELDS = new Set(["tendered", "amount"]);

export function keypadPart() {
  return {
    padTarget: "tendered",

    get padLabel() {
      return PAD_FIELDS[this.padTarget] || "";
    },

    /** The field the keypad would serve for the current method, when nothing else is chosen. */
    defaultPadTarget() {
      if (this.pay.split) return "amount";
      return this.pay.method === "cash" ? "tendered" : "approval";
    },

    aim(field) {
      this.padTarget = field;
    },

    padHolder(field) {
      return field === "identifier" ? this.cashReceipt : this.pay;
    },

    padPress(key) {
      const field = this.padTarget;
      const target = this.padHolder(field);
      const isAmount = AMOUNT_FIELDS.has(field);
      const limit = isAmount ? 9 : 30;
      let value = String(target[field] ?? "");
      if (key === "back") value = value.slice(0, -1);
      else if (key === "clear") value = "";
      else if (value.length + key.length <= limit) value += key;
      // Amounts never start with 0; approval and phone numbers may.
      target[field] = isAmount ? digitsOf(value) : value;
      if (this.errorField === field) this.errorField = "";
    },

    /** Typing into an amount box by hand: keep digits only and show them with commas. */
    typedAmount(field, ev) {
      const digits = digitsOf(ev.target.value);
      this.pay[field] = digits;
      ev.target.value = grouped(digits);
      this.padTarget = field;
      if (this.errorField === field) this.errorField = "";
    },

    grouped,
  };
}
