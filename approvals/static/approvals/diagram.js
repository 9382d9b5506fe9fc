/* Draw the deployed BPMN with the bpmn-js viewer and mark where the instance is.
 * The XML and the element ids come from json_script blocks on the page; nothing here
 * builds markup from them (bpmn-js renders the XML; markers are CSS classes). */
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function mark(canvas, registry, ids, cls) {
    (ids || []).forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, cls); }
    });
  }

  function draw(figure) {
    var status = figure.querySelector(".diagram-status");
    var xml = read(figure.dataset.xml);
    var marks = read(figure.dataset.marks) || {};
    if (!xml || typeof window.BpmnJS !== "function") {
      figure.dataset.state = "failed";
      return;
    }
    var box = figure.querySelector(".diagram-canvas");
    var viewer = new window.BpmnJS({ container: box });
    viewer.importXML(xml).then(function () {
      // A picture to assistive technology: labelled, and out of the tab order (this
      // viewer has no keyboard controls; the history beside it tells the same story).
      var svg = box.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", box.dataset.label || "");
        svg.setAttribute("tabindex", "-1");
      }
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      var overlays = viewer.get("overlays");
      canvas.zoom("fit-viewport", "auto");
      // Fit again when the box changes size (a phone rotating, the admin's sidebar).
      if (typeof window.ResizeObserver === "function") {
        new window.ResizeObserver(function () {
          canvas.resized();
          canvas.zoom("fit-viewport", "auto");
        }).observe(box);
      }
      mark(canvas, registry, marks.completed, "baton-done");
      mark(canvas, registry, marks.flows, "baton-path");
      mark(canvas, registry, marks.active, "baton-active");
      (marks.active || []).forEach(function (id) {
        if (!registry.get(id)) { return; }
        var badge = document.createElement("span");
        badge.className = "baton-token";
        badge.setAttribute("data-token", id);
        badge.textContent = "\u25CF";
        overlays.add(id, { position: { top: -10, right: 10 }, html: badge });
      });
      figure.dataset.state = "ready";
    }).catch(function (error) {
      figure.dataset.state = "failed";
      if (status) { status.textContent = figure.dataset.failedText || String(error); }
    });
  }

  document.querySelectorAll("[data-bpmn-diagram]").forEach(draw);
})();
