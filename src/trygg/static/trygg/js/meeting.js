// The weekly meeting's map: focus places are drawn filled, the others with a thin line.
// The checkbox list is the control; ticking a box restyles the map, and clicking a place on
// the map ticks its box. A form with data-confirm asks before it is sent (closing a meeting).
(function () {
  "use strict";

  var FOCUS = { color: "#b3261e", weight: 3, fillColor: "#b3261e", fillOpacity: 0.35, dashArray: null };
  var OTHER = { color: "#6b6b6b", weight: 1, fillColor: "#6b6b6b", fillOpacity: 0.05, dashArray: "4 4" };

  function boxFor(pk) {
    return document.querySelector('input[name="focus_places"][value="' + pk + '"]');
  }

  function chosen(feature) {
    var box = boxFor(feature.properties.pk);
    return box ? box.checked : Boolean(feature.properties.focus);
  }

  function setUp(element) {
    if (!element.trygg) {
      return;
    }
    var places = [];
    element.trygg.data.eachLayer(function (layer) {
      if (layer.feature && layer.feature.properties.level === "place") {
        places.push(layer);
      }
    });

    function restyle() {
      places.forEach(function (layer) {
        layer.setStyle(chosen(layer.feature) ? FOCUS : OTHER);
      });
    }

    places.forEach(function (layer) {
      var box = boxFor(layer.feature.properties.pk);
      if (!box) {
        return;
      }
      box.addEventListener("change", restyle);
      layer.on("click", function () {
        box.checked = !box.checked;
        restyle();
      });
    });
    restyle();
  }

  document.querySelectorAll("[data-meeting-map]").forEach(setUp);

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
})();
