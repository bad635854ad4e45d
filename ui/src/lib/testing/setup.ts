// jsdom has no canvas: a 2D context is "not implemented" and says so on every chart. The
// charts' content is tested apart from the canvas (charts.test.ts); here a canvas simply
// cannot be drawn on, as `draw` expects of a place without one.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
