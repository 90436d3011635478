// The revenue chart: this range's net sales per period as bars beside the previous range's
// (same place in the range) as a dashed line. Chart.js is the vendored UMD build (window.Chart).
const WEEKDAYS = ["일", "월", "화", "수", "목", "금", "토"];
const won = new Intl.NumberFormat("ko-KR");

export function periodLabel(iso, unit) {
  const [y, m, d] = iso.split("-").map(Number);
  if (unit === "month") return `${y}년 ${m}월`;
  if (unit === "week") return `${m}/${d} 주`;
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${m}/${d} (${weekday})`;
}

function axisWon(value) {
  if (Math.abs(value) >= 10000) return `${won.format(Math.round(value / 1000) / 10)}만`;
  return won.format(value);
}

export function drawRevenue(canvas, data, unit) {
  const Chart = window.Chart;
  if (!canvas || !Chart) return null;
  const style = getComputedStyle(document.documentElement);
  const green = style.getPropertyValue("--green").trim() || "#1f6f54";
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels.map((iso) => periodLabel(iso, unit)),
      datasets: [
        {
          label: `이번 기간 (${data.range[0]} ~ ${data.range[1]})`,
          data: data.current,
          backgroundColor: green,
          borderRadius: 4,
          order: 2,
        },
        {
          label: `지난 기간 (${data.previous_range[0]} ~ ${data.previous_range[1]})`,
          data: data.previous,
          type: "line",
          borderColor: "#b7791f",
          backgroundColor: "#b7791f",
          borderDash: [6, 4],
          pointRadius: 3,
          tension: 0.2,
          order: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: { label: (ctx) => `${ctx.dataset.label.split(" (")[0]}: ${won.format(ctx.parsed.y)}원` },
        },
      },
      scales: { y: { beginAtZero: true, ticks: { callback: axisWon } } },
    },
  });
}
