/* The done screen (order number, change, QR to the e-receipt, print status) and the list of
 * print jobs with reprint. */
import { api, errorMessage } from "./api.js";
import { sleep } from "./util.js";

const PRINT_POLLS = 8;

function localPath(url, suffix = "") {
  try {
    const u = new URL(url, window.location.href);
    return `${u.pathname}${suffix}${u.search}`;
  } catch {
    return "";
  }
}

export function donePart() {
  return {
    done: null, // the sale as the server returned it
    printMessage: "",
    doneReceiptNo: { value: "", error: "", busy: false, saved: "" }, // 현금영수증 승인번호
    now: Date.now(), // ticks with the ping, for the 결제 취소 window

    /** 결제 취소 is offered on the done screen within VOID_MINUTES of the sale. */
    get doneVoidable() {
      const d = this.done;
      if (!d || d.voided || d.voidable === false) return false;
      const at = Date.parse(d.created_at);
      const minutes = this.config.void_minutes || 10;
      return Number.isFinite(at) && this.now - at < minutes * 60000;
    },

    jobsOpen: false,
    jobs: [],
    jobsAll: false,
    jobsState: "",

    get qrSrc() {
      return this.done?.receipt_url ? localPath(this.done.receipt_url, "/qr.svg") : "";
    },

    get receiptPath() {
      return this.done?.receipt_url ? localPath(this.done.receipt_url) : "";
    },

    get printStatus() {
      const p = this.done && this.done.print;
      if (!p || p.status === "none") return { status: "none", label: "프린터 없음" };
      return p;
    },

    async pollPrint() {
      const id = this.done && this.done.id;
      for (let i = 0; i < PRINT_POLLS && this.done && this.done.id === id; i++) {
        const status = this.printStatus.status;
        // final answers: printed, sent (the printer cannot report), failed, or no printer
        if (["printed", "sent", "failed", "none"].includes(status)) return;
        await sleep(1500);
        try {
          const res = await api("GET", `/api/sales/${encodeURIComponent(id)}`);
          if (res.ok && this.done && this.done.id === id) {
            this.done.print = res.data.print;
            this.store.set("done", this.done);
          }
        } catch {
          this.online = false;
        }
      }
    },

    async reprint(saleId) {
      const id = saleId || (this.done && this.done.id);
      if (!id) return;
      try {
        const res = await api("POST", `/api/sales/${encodeURIComponent(id)}/print`, {});
        if (res.status === 202) {
          this.printMessage = "재출력을 요청했습니다";
          if (this.done && this.done.id === id) {
            this.done.print = { status: res.data.status, label: res.data.label };
            this.pollPrint();
          }
          if (this.jobsOpen) this.loadJobs();
        } else {
          this.printMessage = errorMessage(res, "재출력하지 못했습니다");
          if (saleId) this.showToast(this.printMessage);
        }
      } catch {
        this.printMessage = "서버에 연결할 수 없습니다";
        this.showToast(this.printMessage);
      }
    },

    newOrder() {
      this.done = null;
      this.doneReceiptNo = { value: "", error: "", busy: false, saved: "" };
      this.store.remove("done");
      this.screen = "sell";
      this.printMessage = "";
      this.dropPayHistory();
    },

    openJobs() {
      this.jobsOpen = true;
      this.loadJobs();
    },

    async loadJobs() {
      this.jobsState = "loading";
      try {
        const res = await api("GET", `/api/print-jobs${this.jobsAll ? "?all=1" : ""}`);
        if (!res.ok) {
          this.jobsState = errorMessage(res);
          return;
        }
        this.jobs = res.data.jobs;
        this.jobsState = "";
      } catch {
        this.jobsState = "서버에 연결할 수 없습니다";
      }
    },
  };
}
