// Draws every [data-map] element from the GeoJSON in its json_script element.
// Data layers never depend on the tile server: with no tile URL the map is drawn on a plain ground.
(function () {
  "use strict";

  var STYLES = {
    district: { color: "#1d4f91", weight: 2, fillColor: "#1d4f91", fillOpacity: 0.08 },
    place: { color: "#b3261e", weight: 2, fillColor: "#b3261e", fillOpacity: 0.25 },
    police_area: { color: "#3c3c3c", weight: 2, dashArray: "6 4", fill: false },
    report: { radius: 6, color: "#5b2a86", weight: 2, fillColor: "#8e5cc4", fillOpacity: 0.8 },
    heat: { stroke: false, fillColor: "#e8590c", fillOpacity: 0.5 },
    hotspot: { color: "#b00020", weight: 2, fill: false },
    drawn: { color: "#1d4f91", weight: 3, dashArray: "8 6", fillColor: "#1d4f91", fillOpacity: 0.05 },
    cluster: { color: "#5b2a86", weight: 2, fillColor: "#8e5cc4", fillOpacity: 0.6 },
  };

  // Cells of a grid layer carry their value (0–1) in properties.value: the heat's opacity.
  function styleFor(feature) {
    var props = feature.properties || {};
    var style = STYLES[props.level] || STYLES.district;
    if (props.level === "heat" && typeof props.value === "number") {
      return Object.assign({}, style, { fillOpacity: 0.1 + 0.6 * Math.min(1, Math.max(0, props.value)) });
    }
    return style;
  }

  function labelFor(element, level) {
    return element.dataset["label" + level.charAt(0).toUpperCase() + level.slice(1)] || level;
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.geojson);
    var data = source ? JSON.parse(source.textContent) : { type: "FeatureCollection", features: [] };
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution,
      }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var count = feature.properties.count;
        if (feature.properties.level === "cluster" && count) {
          // Many reports close together are one circle whose area grows with their number.
          var marker = L.circleMarker(latlng, Object.assign({}, STYLES.cluster, { radius: 8 + 3 * Math.sqrt(count) }));
          marker.bindTooltip(String(count), { permanent: true, direction: "center", className: "cluster-count" });
          return marker;
        }
        return L.circleMarker(latlng, STYLES.report);
      },
      style: styleFor,
      onEachFeature: function (feature, item) {
        var props = feature.properties;
        if (props.url) {
          var link = document.createElement("a");
          link.href = props.url;
          link.textContent = props.name;
          var box = document.createElement("div");
          box.appendChild(link);
          box.appendChild(document.createTextNode(" (" + labelFor(element, props.level) + ")"));
          item.bindPopup(box);
        }
        if (props.name) {
          item.bindTooltip(props.name, { sticky: true });
        }
        item.on("add", function () {
          var path = item.getElement && item.getElement();
          if (path) {
            path.setAttribute("data-level", props.level);
          }
        });
      },
    }).addTo(map);
    // data-fit names the levels to frame (a walk's route and stops, not its whole district).
    var fit = element.dataset.fit ? element.dataset.fit.split(" ") : null;
    var bounds = fit ? L.latLngBounds([]) : layer.getBounds();
    if (fit) {
      layer.eachLayer(function (item) {
        if (fit.indexOf(item.feature.properties.level) >= 0) {
          bounds.extend(item.getBounds ? item.getBounds() : item.getLatLng());
        }
      });
      if (!bounds.isValid()) {
        bounds = layer.getBounds();
      }
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    } else {
      map.setView([59.33, 18.06], 10);
    }
    element.trygg = { map: map, data: layer };
    element.setAttribute("data-ready", "true");
    element.dispatchEvent(new CustomEvent("trygg:map-ready", { bubbles: true }));
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
