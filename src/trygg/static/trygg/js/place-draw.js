// Lets a coordinator draw a place, or any user an area for the situation picture; the polygon
// is written as GeoJSON into the field the map names (data-draw-field), which stays editable
// by hand for those who cannot use a pointer.
(function () {
  "use strict";

  var element = document.querySelector("[data-map]");
  var field = element && document.getElementById(element.dataset.drawField || "id_geometry");
  if (!element || !element.trygg || !field || !L.Control.Draw) {
    return;
  }
  var map = element.trygg.map;
  var drawn = new L.FeatureGroup().addTo(map);
  map.addControl(
    new L.Control.Draw({
      draw: {
        polygon: { allowIntersection: false, showArea: true },
        rectangle: true,
        polyline: false,
        circle: false,
        circlemarker: false,
        marker: false,
      },
      edit: { featureGroup: drawn },
    })
  );

  function write() {
    var shapes = drawn.getLayers();
    field.value = shapes.length ? JSON.stringify(shapes[shapes.length - 1].toGeoJSON().geometry) : "";
  }

  map.on(L.Draw.Event.CREATED, function (event) {
    drawn.clearLayers();
    drawn.addLayer(event.layer);
    write();
  });
  map.on(L.Draw.Event.EDITED, write);
  map.on(L.Draw.Event.DELETED, write);

  if (field.value) {
    try {
      L.geoJSON(JSON.parse(field.value)).eachLayer(function (layer) {
        drawn.addLayer(layer);
      });
    } catch (ignored) {
      // A hand-typed boundary that is not yet valid JSON is left for the server to explain.
    }
  }
})();
