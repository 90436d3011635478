// The managers' dashboard: filters that send themselves, and the revenue chart drawn from the
// figures the page was rendered with (no second request).
import "./filters.js";
import { drawRevenue } from "./chart.js";

function start() {
  const canvas = document.getElementById("r-chart");
  const source = document.getElementById("r-chart-data");
  if (!canvas || !source) return;
  const unit = document.getElementById("r-by")?.value || "day";
  drawRevenue(canvas, JSON.parse(source.textContent), unit);
}

if (window.Chart) start();
else window.addEventListener("load", start, { once: true });
