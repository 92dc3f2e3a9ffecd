/* Boordtabel indicator page: draw the Vega-Lite chart (the data table works without it).
   The series selector is an ordinary form with a button: no change of context on input. */
(function () {
  "use strict";
  function drawChart() {
    var target = document.getElementById("indicator-chart");
    var source = document.getElementById("chart-spec");
    if (!target || !source || typeof window.vegaEmbed !== "function") return;
    var spec = JSON.parse(source.textContent);
    // CSP-safe: `ast: true` keeps Vega from compiling expressions with Function() (no
    // 'unsafe-eval'); no default <style> elements (the tooltip style is in bruprod.css).
    var options = {
      renderer: "svg",
      actions: false,
      ast: true,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true }
    };
    if (window.vega && window.vega.expressionInterpreter) options.expr = window.vega.expressionInterpreter;
    window.vegaEmbed(target, spec, options).then(function () {
      var svg = target.querySelector("svg");
      if (svg) {
        // One labelled image; the table under the chart is the accessible version of the data.
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", spec.description || "");
        svg.querySelectorAll("[role], [aria-roledescription], [aria-label]").forEach(function (el) {
          el.removeAttribute("role");
          el.removeAttribute("aria-roledescription");
          el.removeAttribute("aria-label");
        });
      }
    }).catch(function (error) {
      target.textContent = "";
      if (window.console) window.console.warn("chart not drawn", error);
    });
  }
  document.addEventListener("DOMContentLoaded", drawChart);
})();
