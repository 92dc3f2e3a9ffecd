/* Bruprod maps: draws every [data-bp-map] element with the vendored Leaflet.
 *
 * The element's data-bp-map names a json_script block holding the spec built by core/maps.py
 * (MapSpec.as_json). Texts are set with textContent, never as HTML; numbers are formatted in the
 * page's language (Intl.NumberFormat of <html lang>). No base tiles unless the spec has some.
 * Loaded with defer from templates/components/map.html; safe to load twice, and maps swapped in
 * by HTMX are drawn (and removed) too. No inline script anywhere: CSP-ready.
 */
(function () {
  "use strict";

  if (window.BruprodMap) {
    return; // a second copy of this file: the first one does the work
  }

  var BRUSSELS = [50.84, 4.36];
  var AREA_BORDER = "#ffffff";
  var MARKER_BORDER = "#1b1f24";
  var HALO = "#ffffff";
  var maps = [];

  function numberFormat(decimals) {
    var options = { maximumFractionDigits: decimals };
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined, options);
    } catch (error) {
      return new Intl.NumberFormat(undefined, options);
    }
  }

  function withUnit(text, unit) {
    return unit ? text + "\u00a0" + unit : text;
  }

  /* "12.345 vestigingen", or the presenter's own value_text, or "" without a value. */
  function valueText(props, layer, format) {
    if (props.value_text) {
      return props.value_text;
    }
    if (typeof props.value !== "number") {
      return "";
    }
    return withUnit(format.format(props.value), layer.unit);
  }

  function rangeText(entry, layer, format) {
    if (entry.label) {
      return entry.label;
    }
    if (typeof entry.low !== "number" || typeof entry.high !== "number") {
      return "";
    }
    var text = entry.low === entry.high
      ? format.format(entry.low)
      : format.format(entry.low) + "\u2013" + format.format(entry.high);
    return withUnit(text, layer.unit);
  }

  function tooltipContent(label, value) {
    var box = document.createElement("span");
    var name = document.createElement("strong");
    name.textContent = label;
    box.appendChild(name);
    if (value) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(value));
    }
    return box;
  }

  function follow(url) {
    window.location.assign(url);
  }

  function areaStyle(layer) {
    return function (feature) {
      var level = feature.properties.level;
      var hasLevel = level !== null && level !== undefined && layer.palette[String(level)];
      return {
        color: hasLevel ? AREA_BORDER : "#4f5661",
        weight: hasLevel ? 1.2 : 1,
        dashArray: hasLevel ? null : "4 3",
        fillColor: hasLevel ? layer.palette[String(level)] : layer.no_data_color,
        fillOpacity: 1,
        lineJoin: "round"
      };
    };
  }

  /* Points are circle markers with a dark border; lines and polygons (sites) in the colour. */
  function pointStyle(layer) {
    return function (feature) {
      var type = feature.geometry.type;
      if (type === "Point" || type === "MultiPoint") {
        return { color: MARKER_BORDER, weight: 1, fillColor: layer.color, fillOpacity: 0.9 };
      }
      return { color: layer.color, weight: 2, fillColor: layer.color, fillOpacity: 0.25 };
    };
  }

  function pointToLayer() {
    return function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 7 });
    };
  }

  /* Tooltip, click-to-follow, and (for links) a keyboard-reachable SVG element with a name. */
  function bindFeature(group, layer, format) {
    group.eachLayer(function (item) {
      var props = item.feature.properties;
      var value = valueText(props, layer, format);
      var name = value ? props.label + ": " + value : props.label;
      item.bindTooltip(tooltipContent(props.label, value), {
        sticky: layer.kind === "choropleth",
        className: "bp-map-tooltip",
        direction: "top"
      });
      var element = item.getElement ? item.getElement() : null;
      if (props.url) {
        item.on("click", function () { follow(props.url); });
        if (element) {
          element.setAttribute("tabindex", "0");
          element.setAttribute("role", "link");
          element.setAttribute("aria-label", name);
          element.addEventListener("keydown", function (event) {
            if (event.key === "Enter") {
              event.preventDefault();
              event.stopPropagation();
              follow(props.url);
            }
          });
          element.addEventListener("focus", function () { item.openTooltip(); });
          element.addEventListener("blur", function () { item.closeTooltip(); });
        }
      } else if (element) {
        // Chromium puts SVG elements with focus listeners (Leaflet's tooltip adds some) in the
        // tab order: keep features without a link out of it (the table has their values).
        element.setAttribute("tabindex", "-1");
        element.setAttribute("aria-hidden", "true");
      }
      item.on("mouseover", function () {
        item.setStyle(layer.kind === "choropleth" ? { color: MARKER_BORDER, weight: 2 } : { weight: 2.5 });
        if (item.bringToFront && layer.kind !== "choropleth") {
          item.bringToFront();
        }
      });
      item.on("mouseout", function () { group.resetStyle(item); });
    });
  }

  function drawLayer(map, layer) {
    var format = numberFormat(layer.decimals);
    if (layer.kind === "outline") {
      var options = { interactive: false, fill: false, lineJoin: "round" };
      var halo = L.geoJSON(layer.data, {
        style: function () { return L.extend({ color: HALO, weight: 5, opacity: 0.9 }, options); }
      }).addTo(map);
      var line = L.geoJSON(layer.data, {
        style: function () { return L.extend({ color: layer.color, weight: 2 }, options); }
      }).addTo(map);
      [halo, line].forEach(function (group) {
        group.eachLayer(function (item) {
          var element = item.getElement ? item.getElement() : null;
          if (element) {
            element.setAttribute("aria-hidden", "true");
          }
        });
      });
      return line;
    }
    var group = L.geoJSON(layer.data, {
      style: layer.kind === "choropleth" ? areaStyle(layer) : pointStyle(layer),
      pointToLayer: pointToLayer(layer)
    }).addTo(map);
    bindFeature(group, layer, format);
    return group;
  }

  function legendControl(spec) {
    var withLegend = spec.layers.filter(function (layer) { return layer.legend.length; });
    if (!withLegend.length) {
      return null;
    }
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "bp-map-legend");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", spec.labels.legend);
      withLegend.forEach(function (layer) {
        var format = numberFormat(layer.decimals);
        if (layer.kind === "choropleth" && layer.name) {
          var title = document.createElement("p");
          title.className = "bp-map-legend-title";
          title.textContent = layer.name;
          box.appendChild(title);
        }
        var list = document.createElement("ul");
        layer.legend.forEach(function (entry) {
          var item = document.createElement("li");
          var swatch = document.createElement("span");
          swatch.className = "bp-map-swatch bp-map-swatch-" + entry.shape;
          swatch.setAttribute("aria-hidden", "true");
          swatch.style.backgroundColor = entry.color;
          item.appendChild(swatch);
          item.appendChild(document.createTextNode(rangeText(entry, layer, format)));
          list.appendChild(item);
        });
        box.appendChild(list);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  function boundsOf(spec, groups) {
    if (spec.bounds) {
      var b = spec.bounds; // west, south, east, north
      return L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
    }
    var bounds = L.latLngBounds([]);
    groups.forEach(function (group) {
      var part = group.getBounds();
      if (part.isValid()) {
        bounds.extend(part);
      }
    });
    return bounds;
  }

  function draw(element) {
    if (element.getAttribute("data-bp-map-ready")) {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-bp-map"));
    if (!source || !window.L) {
      return; // the fallback text stays
    }
    var spec = JSON.parse(source.textContent);
    element.setAttribute("data-bp-map-ready", "true");
    element.style.height = spec.height + "px";
    element.querySelectorAll(".bp-map-fallback").forEach(function (node) { node.remove(); });

    var map = L.map(element, {
      attributionControl: false, // the credit is printed under the map, in the figure
      zoomControl: false,
      scrollWheelZoom: false, // the page scrolls; zoom with the buttons, keys or a double click
      zoomSnap: 0.25,
      center: BRUSSELS,
      zoom: 11
    });
    L.control.zoom({ zoomInTitle: spec.labels.zoom_in, zoomOutTitle: spec.labels.zoom_out })
      .addTo(map);
    if (spec.tiles && spec.tiles.url) {
      L.tileLayer(spec.tiles.url, { maxZoom: spec.tiles.max_zoom || 18 }).addTo(map);
    }
    var groups = spec.layers.map(function (layer) { return drawLayer(map, layer); });
    var bounds = boundsOf(spec, groups);
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [8, 8] });
    }
    var legend = legendControl(spec);
    if (legend) {
      legend.addTo(map);
    }
    maps.push({ element: element, map: map });
  }

  function init(root) {
    var scope = root || document;
    var elements = Array.prototype.slice.call(scope.querySelectorAll("[data-bp-map]"));
    if (scope.matches && scope.matches("[data-bp-map]")) {
      elements.unshift(scope);
    }
    elements.forEach(function (element) {
      try {
        draw(element);
      } catch (error) {
        console.error("bruprod map " + element.id + ":", error);
      }
    });
  }

  function forget(root) {
    maps = maps.filter(function (entry) {
      if (root.contains(entry.element)) {
        entry.map.remove();
        return false;
      }
      return true;
    });
  }

  window.BruprodMap = {
    init: init,
    maps: function () { return maps.slice(); }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    forget(event.detail.elt);
  });
})();
