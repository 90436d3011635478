/* 오늘 판매: this site's sales today (GET /api/sales/today), one sale's detail (GET
 * /api/sales/ID) with its refunds, 재출력, and the 현금영수증 승인번호 recorded once it was
 * issued on the card terminal or 홈택스 (POST /api/sales/ID/cash-receipt). Refunds and voids
 * are in refund.js. */
import { api, errorMessage } from "./api.js";

const TODAY_LIMIT = 50;

const STATUS_LABELS = {
  completed: "완료",
  partly_refunded: "부분 환불",
  refunded: "환불됨",
  voided: "결제 취소",
};

/** "2026-12-02T14:05:09+09:00" -> "14:05" */
export function clock(iso) {
  const m = /T(\d{2}:\d{2})/.exec(String(iso || ""));
  return m ? m[1] : "";
}

export function todayPart() {
  return {
    todayOpen: false,
    todaySales: [],
    todayState: "", // "" | loading | an error message
    sale: null, // the sale open in the dialog (GET /api/sales/ID)
    saleState: "",
    saleMode: "", // "" | refund | void
    receiptNo: { value: "", error: "", busy: false, saved: "" }, // 현금영수증 승인번호

    clock,

    openToday() {
      this.todayOpen = true;
      this.sale = null;
      this.saleMode = "";
      this.loadToday();
    },

    closeToday() {
      if (this.refund?.busy) return;
      this.todayOpen = false;
      this.sale = null;
      this.saleMode = "";
    },

    async loadToday() {
      this.todayState = "loading";
      try {
        const res = await api("GET", `/api/sales/today?limit=${TODAY_LIMIT}`);
        if (!res.ok) {
          this.todayState = errorMessage(res, "오늘 판매를 불러오지 못했습니다");
          return;
        }
        this.todaySales = res.data.sales || [];
        this.todayState = "";
      } catch {
        this.todayState = "서버에 연결할 수 없습니다";
      }
    },

    /** Open one sale; ``mode`` "void" or "refund" goes straight to that form. */
    async openSale(id, mode = "") {
      this.todayOpen = true;
      this.saleMode = "";
      this.saleState = "loading";
      this.receiptNo = { value: "", error: "", busy: false, saved: "" };
      const ok = await this.reloadSale(id);
      if (ok && mode === "void") this.startVoid();
      else if (ok && mode === "refund") this.startRefund();
    },

    async reloadSale(id) {
      try {
        const res = await api("GET", `/api/sales/${encodeURIComponent(id)}`);
        if (!res.ok) {
          this.saleState = errorMessage(res, "판매를 불러오지 못했습니다");
          return false;
        }
        this.sale = res.data;
        this.saleState = "";
        return true;
      } catch {
        this.saleState = "서버에 연결할 수 없습니다";
        return false;
      }
    },

    backToToday() {
      if (this.refund?.busy) return;
      this.sale = null;
      this.saleMode = "";
      this.loadToday();
    },

    statusLabel(status) {
      return STATUS_LABELS[status] || status;
    },

    statusClass(status) {
      return `status-${status || "completed"}`;
    },

    /** A line's options as one text: "ICE · 샷 추가". */
    saleLineOptions(line) {
      return (line.options || []).map((o) => o.name).join(" · ");
    },

    /** ---- 현금영수증 승인번호 */
    get cashReceiptPending() {
      const c = this.sale?.cash_receipt;
      return Boolean(c) && !c.approval_no && !this.receiptNo.saved;
    },

    async saveCashReceiptNo(saleId, holder) {
      const form = holder || this.receiptNo;
      const value = form.value.trim();
      if (!value) {
        form.error = "현금영수증 승인번호를 입력하세요";
        return;
      }
      form.busy = true;
      form.error = "";
      try {
        const res = await api("POST", `/api/sales/${encodeURIComponent(saleId)}/cash-receipt`, {
          approval_no: value,
        });
        if (res.ok) {
          const issued = res.data?.approval_no || value; // as the server keeps it (no dashes)
          form.saved = issued;
          this.showToast(`현금영수증 승인번호를 저장했습니다 (${issued})`);
          if (this.sale && this.sale.id === saleId && this.sale.cash_receipt) {
            this.sale.cash_receipt.approval_no = issued;
          }
          if (this.done && this.done.id === saleId && this.done.cash_receipt) {
            this.done.cash_receipt.approval_no = issued;
            this.store.set("done", this.done);
          }
        } else {
          form.error = errorMessage(res, "승인번호를 저장하지 못했습니다");
        }
      } catch {
        form.error = "서버에 연결할 수 없습니다";
      } finally {
        form.busy = false;
      }
    },
  };
}
