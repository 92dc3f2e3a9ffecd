/* The ecosystem's network view: Cytoscape.js draws the elements of a json_script block.
   No inline script (CSP); the page has a table with the same data. */
(function () {
  "use strict";
  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-bp-network"));
    if (!source || typeof window.cytoscape !== "function") { return; }
    var data = JSON.parse(source.textContent);
    var cy = window.cytoscape({
      container: container,
      elements: data.nodes.concat(data.edges),
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 10, "background-color": "#0072B2", "width": 14, "height": 14, "text-wrap": "ellipsis", "text-max-width": 120 } },
        { selector: "edge", style: { "width": "mapData(strength, 0, 10, 1, 6)", "line-color": "#888", "curve-style": "bezier" } },
        { selector: "edge[?directed]", style: { "target-arrow-shape": "triangle", "target-arrow-color": "#888" } }
      ],
      layout: { name: data.nodes.length > 500 ? "grid" : "cose", animate: false },
      wheelSensitivity: 0.2
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url && url.charAt(0) === "/") { window.location.assign(url); }
    });
    container.setAttribute("data-drawn", String(data.nodes.length));
    window.BruprodNetwork = cy;
  }
  function init() {
    document.querySelectorAll("[data-bp-network]").forEach(draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
