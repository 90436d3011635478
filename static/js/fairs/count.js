// Closing count: the variance beside each counted box as it is typed (the server shows it
// again on 차이 확인 before anything is booked).
const form = document.querySelector("[data-count-form]");

function update(row) {
  const input = row.querySelector("input.fair-qty");
  const out = row.querySelector("[data-variance]");
  const expected = Number(row.querySelector("[data-expected]")?.dataset.expected);
  if (!input || !out || Number.isNaN(expected)) return;
  const raw = input.value.replace(/,/g, "").trim();
  if (raw === "" || !/^[0-9]+$/.test(raw)) {
    out.textContent = raw === "" ? "" : "숫자만";
    row.classList.toggle("is-low", raw !== "");
    return;
  }
  const diff = Number(raw) - expected;
  out.textContent = diff > 0 ? `+${diff}` : String(diff);
  row.classList.toggle("is-low", diff !== 0);
}

if (form) {
  form.addEventListener("input", (event) => {
    const row = event.target.closest("tr");
    if (row) update(row);
  });
  form.querySelectorAll("tbody tr").forEach(update);
}
