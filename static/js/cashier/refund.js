/* 환불 and 결제 취소 of a sale open in 오늘 판매 (today.js):
 *
 *   POST /api/sales/ID/refund  {id, lines?: [{line, qty}], reason, payments: [{method, amount,
 *                               approval_no?}], approver?}
 *   POST /api/sales/ID/void    {id, reason, payments?, approver?}
 *
 * The amounts shown are the server's (pos/refunds/amounts.py): refunding k more of n units of a
 * line worth `net` gives back round-half-up(net × (before + k) / n) − what went back before, so
 * the payment adds up. A card refund needs the terminal's 취소 승인번호. A cashier is asked for
 * a manager's PIN (approval.js); a manager is not. */
import { newSaleId, won } from "./util.js";
import { halfUp } from "./discount.js";

const REFUND_REASONS = ["고객 변심", "잘못 계산", "상품 불량", "주문 취소"];
const VOID_REASONS = ["잘못 계산", "주문 취소", "결제 수단 변경"];

/** Won refunded so far per line position (1-based), from the sale's refunds. */
function refundedWon(sale) {
  const out = {};
  for (const r of sale.refunds || []) {
    for (const l of r.lines || []) out[l.line] = (out[l.line] || 0) + l.amount;
  }
  return out;
}

/** Won for ``qty`` more units of ``line`` (the 1-based ``place``) of ``sale``. */
export function refundAmount(sale, place, qty, before = refundedWon(sale)) {
  const line = sale.lines[place - 1];
  if (!line || qty <= 0) return 0;
  const net = line.amount - (line.discount || 0);
  const units = (line.refunded || 0) + qty;
  const share = units >= line.qty ? net : halfUp(net * units, line.qty);
  return share - (before[place] || 0);
}

export function refundPart() {
  return {
    refund: null, // {id, qty: {place: n}, reason, method, approval: {i: no}, error, busy}
    refundReasons: REFUND_REASONS,
    voidReasons: VOID_REASONS,

    /** The sale's tender methods (for a refund's method), first the sale's own order. */
    get saleMethods() {
      const seen = [];
      for (const p of this.sale?.payments || []) if (!seen.includes(p.method)) seen.push(p.method);
      return seen.length ? seen : ["cash"];
    },

    startRefund() {
      if (!this.sale) return;
      const qty = {};
      this.sale.lines.forEach((l, i) => (qty[i + 1] = 0));
      this.refund = { id: newSaleId(), qty, reason: "", method: this.saleMethods[0], approval: {}, error: "", busy: false };
      this.saleMode = "refund";
    },

    startVoid() {
      if (!this.sale) return;
      this.refund = { id: newSaleId(), qty: {}, reason: "", method: "", approval: {}, error: "", busy: false };
      this.saleMode = "void";
    },

    cancelRefund() {
      if (this.refund?.busy) return;
      this.saleMode = "";
      this.refund = null;
    },

    refundStep(place, delta) {
      const line = this.sale.lines[place - 1];
      const next = Math.max(0, Math.min(line.refundable, (this.refund.qty[place] || 0) + delta));
      this.refund.qty[place] = next;
      this.refund.error = "";
    },

    refundAll() {
      this.sale.lines.forEach((l, i) => (this.refund.qty[i + 1] = l.refundable));
      this.refund.error = "";
    },

    refundLineAmount(place) {
      return refundAmount(this.sale, place, this.refund.qty[place] || 0);
    },

    get refundTotal() {
      if (!this.refund || !this.sale) return 0;
      const before = refundedWon(this.sale);
      return Object.entries(this.refund.qty).reduce(
        (s, [place, qty]) => s + refundAmount(this.sale, Number(place), qty, before),
        0,
      );
    },

    /** Card tenders of the sale (a void gives each back and needs its 취소 승인번호). */
    get voidCardPayments() {
      return (this.sale?.payments || []).map((p, i) => ({ ...p, i })).filter((p) => p.method === "card");
    },

    async sendRefund() {
      const r = this.refund;
      if (r.busy) return;
      const lines = Object.entries(r.qty)
        .filter(([, qty]) => qty > 0)
        .map(([place, qty]) => ({ line: Number(place), qty }));
      if (!lines.length) {
        r.error = "환불할 상품의 수량을 고르세요";
        return;
      }
      const reason = r.reason.trim();
      if (!reason) {
        r.error = "환불 사유를 고르거나 입력하세요";
        return;
      }
      const payment = { method: r.method, amount: this.refundTotal };
      const approval = String(r.approval.refund || "").trim();
      if (r.method === "card" && !approval) {
        r.error = "카드 단말기에서 취소한 뒤 취소 승인번호를 입력하세요";
        return;
      }
      if (approval) payment.approval_no = approval;
      const body = { id: r.id, lines, reason, payments: [payment] };
      await this.sendReturn("refund", body, "환불");
    },

    async sendVoid() {
      const r = this.refund;
      if (r.busy) return;
      const reason = r.reason.trim();
      if (!reason) {
        r.error = "결제 취소 사유를 고르거나 입력하세요";
        return;
      }
      const body = { id: r.id, reason };
      if (this.voidCardPayments.length) {
        const payments = [];
        for (const [i, p] of this.sale.payments.entries()) {
          const out = { method: p.method, amount: p.amount };
          if (p.method === "card") {
            const no = String(r.approval[i] || "").trim();
            if (!no) {
              r.error = "카드 단말기에서 취소한 뒤 취소 승인번호를 입력하세요";
              return;
            }
            out.approval_no = no;
          }
          payments.push(out);
        }
        body.payments = payments;
      }
      await this.sendReturn("void", body, "결제 취소");
    },

    /** The sale changed under the form (another tablet refunded it): read it again and keep
     * no more units than are left; a new id, as the body will differ. */
    async refreshReturn(saleId) {
      if (!(await this.reloadSale(saleId)) || !this.refund) return;
      this.sale.lines.forEach((l, i) => {
        if ((this.refund.qty[i + 1] || 0) > l.refundable) this.refund.qty[i + 1] = l.refundable;
      });
      this.refund.id = newSaleId();
    },

    /** POST a refund or void, with a manager's approval when the server asks for it. */
    async sendReturn(kind, body, what) {
      const r = this.refund;
      const saleId = this.sale.id;
      r.busy = true;
      r.error = "";
      try {
        const res = await this.postApproved(`/api/sales/${encodeURIComponent(saleId)}/${kind}`, body, {
          title: `${what} 승인`,
          message: `${what}에는 매니저 승인이 필요합니다`,
        });
        if (!res) {
          r.error = `매니저 승인 없이는 ${what}할 수 없습니다`;
          return;
        }
        if (!res.ok) {
          r.error = this.cleanMessage(res.data?.error?.message) || `${what}하지 못했습니다 (오류 ${res.status})`;
          if (res.status === 409) await this.refreshReturn(saleId); // refunded elsewhere meanwhile
          return;
        }
        this.showToast(`${what}했습니다 · ${won(res.data.total)} (${res.data.receipt_no || ""})`.replace(" ()", ""));
        this.saleMode = "";
        this.refund = null;
        if (kind === "void" && this.done && this.done.id === saleId) {
          this.done.voided = true;
          this.store.set("done", this.done);
        }
        await this.reloadSale(saleId);
        this.loadCatalog(); // restocked
        this.loadShift();
      } catch {
        r.error = "서버에 연결할 수 없습니다. 연결되면 다시 누르세요 (같은 요청으로 보내므로 두 번 환불되지 않습니다)";
      } finally {
        if (this.refund) this.refund.busy = false;
      }
    },
  };
}
