// Settlement page: A4 printing from the browser and the receipt-printer slip (POST to the API;
// its Korean answer is shown in the page's message box).
const token = document.querySelector('meta[name="csrf-token"]')?.content || "";
const box = document.getElementById("bo-toast");

function say(message, ok) {
  if (!box) return;
  box.textContent = message;
  box.className = ok ? "flash flash-ok" : "flash flash-error";
  box.hidden = false;
}

document.querySelector("[data-print-page]")?.addEventListener("click", () => window.print());

async function printSlip(button) {
  button.disabled = true;
  const body = button.dataset.brn ? { brn: button.dataset.brn } : {};
  try {
    const res = await fetch(button.dataset.printSlip, {
      method: "POST",
      headers: { "X-CSRFToken": token, Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (res.ok) say(data?.message || "정산서를 영수증 프린터로 보냈습니다", true);
    else say(data?.error?.message || `출력하지 못했습니다 (오류 ${res.status})`, false);
  } catch {
    say("서버에 연결할 수 없습니다", false);
  } finally {
    button.disabled = false;
  }
}

document.querySelectorAll("[data-print-slip]").forEach((button) => {
  button.addEventListener("click", () => printSlip(button));
});
