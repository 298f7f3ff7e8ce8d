// A walk's map. On the plan ([data-walk-route]) the coordinator draws the route with the line
// tool and places numbered stops with the circle tool: the route is written as a GeoJSON
// LineString into one field, the stops as JSON [[name, lon, lat], …] into another. Both
// fields stay editable by hand for those who cannot use a pointer. On the walk's pages
// ([data-walk-view]) the route, stops and findings drawn by map.js are styled and numbered.
(function () {
  "use strict";

  var ROUTE = { color: "#e07b00", weight: 5, opacity: 0.9 };
  var STOP = { radius: 9, color: "#ffffff", weight: 2, fillColor: "#1d3f72", fillOpacity: 1 };
  var FINDING = { radius: 8, color: "#ffffff", weight: 2, fillColor: "#b00020", fillOpacity: 1 };

  function number(layer, text) {
    layer.bindTooltip(String(text), { permanent: true, direction: "center", className: "cluster-count" });
  }

  function view(element) {
    element.trygg.data.eachLayer(function (layer) {
      var props = (layer.feature && layer.feature.properties) || {};
      if (props.level === "route") {
        layer.setStyle(ROUTE);
      } else if (props.level === "stop") {
        layer.setStyle(STOP);
        layer.unbindTooltip();
        number(layer, props.number);
        layer.bindPopup(props.name);
      } else if (props.level === "finding") {
        layer.setStyle(FINDING);
        layer.unbindTooltip();
        number(layer, props.number);
        layer.bindPopup(props.name);
      }
    });
  }

  function plan(element) {
    var routeField = document.getElementById(element.dataset.routeField);
    var stopsField = document.getElementById(element.dataset.stopsField);
    if (!routeField || !stopsField || !L.Control.Draw) {
      return;
    }
    var stopName = element.dataset.stopName || "Stop";
    var map = element.trygg.map;
    // One group for both, as leaflet.draw edits and deletes the layers of one group.
    var drawn = new L.FeatureGroup().addTo(map);
    var routeLayer = null;
    var names = [];
    var stopLayers = [];

    map.addControl(
      new L.Control.Draw({
        draw: {
          polyline: { shapeOptions: ROUTE },
          circlemarker: STOP,
          polygon: false,
          rectangle: false,
          circle: false,
          marker: false,
        },
        edit: { featureGroup: drawn },
      })
    );

    function writeRoute() {
      routeField.value = routeLayer ? JSON.stringify(routeLayer.toGeoJSON().geometry) : "";
    }

    function setRoute(layer) {
      if (routeLayer) {
        drawn.removeLayer(routeLayer);
      }
      routeLayer = layer;
      if (layer) {
        layer.setStyle(ROUTE);
        drawn.addLayer(layer);
      }
    }

    function writeStops() {
      var rows = stopLayers.map(function (layer, i) {
        var at = layer.getLatLng();
        return [names[i], Number(at.lng.toFixed(6)), Number(at.lat.toFixed(6))];
      });
      stopsField.value = rows.length ? JSON.stringify(rows) : "";
      writeNumbers();
    }

    function addStop(name, latlng) {
      var layer = L.circleMarker(latlng, STOP);
      drawn.addLayer(layer);
      stopLayers.push(layer);
      names.push(name);
    }

    function readStops() {
      stopLayers.forEach(function (layer) {
        drawn.removeLayer(layer);
      });
      stopLayers = [];
      names = [];
      try {
        JSON.parse(stopsField.value || "[]").forEach(function (row) {
          addStop(String(row[0]), L.latLng(Number(row[2]), Number(row[1])));
        });
      } catch (ignored) {
        // Stops typed one a line are for the server to read; the map shows them after saving.
      }
      writeNumbers();
    }

    function writeNumbers() {
      stopLayers.forEach(function (layer, i) {
        layer.unbindTooltip();
        number(layer, i + 1);
      });
    }

    map.on(L.Draw.Event.CREATED, function (event) {
      if (event.layerType === "polyline") {
        setRoute(event.layer);
        writeRoute();
      } else {
        addStop(stopName + " " + (stopLayers.length + 1), event.layer.getLatLng());
        writeStops();
      }
    });
    map.on(L.Draw.Event.EDITED, function () {
      writeRoute();
      writeStops();
    });
    map.on(L.Draw.Event.DELETED, function (event) {
      event.layers.eachLayer(function (gone) {
        var i = stopLayers.indexOf(gone);
        if (i >= 0) {
          stopLayers.splice(i, 1);
          names.splice(i, 1);
        }
        if (gone === routeLayer) {
          routeLayer = null;
        }
      });
      writeRoute();
      writeStops();
    });
    function readRoute() {
      setRoute(null);
      if (!routeField.value.trim()) {
        return;
      }
      try {
        L.geoJSON(JSON.parse(routeField.value)).eachLayer(setRoute);
      } catch (ignored) {
        // A hand-typed route that is not yet valid JSON is left for the server to explain.
      }
    }

    stopsField.addEventListener("change", readStops);
    routeField.addEventListener("change", readRoute);
    readRoute();
    readStops();
  }

  document.querySelectorAll("[data-map]").forEach(function (element) {
    if (!element.trygg) {
      return;
    }
    if (element.hasAttribute("data-walk-view")) {
      view(element);
    }
    if (element.hasAttribute("data-walk-route")) {
      plan(element);
    }
  });
})();
