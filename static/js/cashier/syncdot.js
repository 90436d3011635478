/* The sync dot in the cashier's top bar: whether this branch's sales have reached the central
 * store (GET /api/sync/state). Green 동기화됨, amber 전송 대기 N건, red 중앙 연결 안 됨; hidden when
 * this branch does not sync. Tapping it shows the details in Korean. Selling never waits on it:
 * the sales are kept on this server and sent when central can be reached. */
import { api } from "./api.js";

/** How often the dot asks (the sync worker itself runs every few seconds). */
const SYNC_POLL_MS = 30000;

/** "12월 2일 16:42" in the tablet's time zone, or "없음". */
function when(iso) {
  if (!iso) return "없음";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "없음";
  const time = d.toLocaleTimeString("ko-KR", { hour: "2-digit", minute: "2-digit", hour12: false });
  return `${d.getMonth() + 1}월 ${d.getDate()}일 ${time}`;
}

export function syncPart() {
  return {
    /** the last answer of /api/sync/state, or null before the first */
    sync: null,
    syncOpen: false,

    initSync() {
      this.loadSync();
      setInterval(() => this.loadSync(), SYNC_POLL_MS);
    },

    async loadSync() {
      try {
        const res = await api("GET", "/api/sync/state");
        if (res.ok && res.data) this.sync = res.data;
      } catch {
        // this tablet cannot reach its own server: the 오프라인 badge says so already
      }
    },

    get syncShown() {
      return Boolean(this.sync && this.sync.enabled);
    },

    get syncState() {
      return this.syncShown ? this.sync.state : "off";
    },

    get syncLabel() {
      if (!this.syncShown) return "";
      if (this.sync.state === "error") return "중앙 연결 안 됨";
      if (this.sync.state === "waiting") return `전송 대기 ${this.sync.waiting}건`;
      return "동기화됨";
    },

    /** The detail lines shown when the dot is tapped. */
    get syncLines() {
      const s = this.sync;
      if (!s) return [];
      const lines = [];
      if (s.state === "error") {
        lines.push("중앙 저장소에 연결하지 못했습니다. 판매는 계속할 수 있고, 기록은 이 매장에 보관했다가 연결되면 보냅니다.");
      } else if (s.state === "waiting") {
        lines.push("판매 기록을 중앙 저장소로 보내는 중입니다.");
      } else {
        lines.push("판매 기록을 모두 중앙 저장소로 보냈습니다.");
      }
      lines.push(`중앙 저장소: ${s.central || "-"}`);
      lines.push(`마지막 전송: ${when(s.last_push_at)}`);
      lines.push(`마지막 받기: ${when(s.last_pull_at)}`);
      lines.push(`보낼 기록: ${s.waiting}건`);
      if (s.rejected) lines.push(`거부된 기록: ${s.rejected}건 (관리자 화면에서 사유 확인)`);
      if (s.state === "error" && s.last_error) lines.push(`오류: ${s.last_error}`);
      if (s.state === "error" && s.next_try_at) lines.push(`다음 시도: ${when(s.next_try_at)}`);
      return lines;
    },

    toggleSync() {
      this.syncOpen = !this.syncOpen;
      if (this.syncOpen) this.loadSync();
    },
  };
}
