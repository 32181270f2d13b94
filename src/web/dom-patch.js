// Keyed, in-place updates of the dashboard's DOM (window.SigilView): the page describes what it wants
// with h(tag, props, children) and patch() changes only what differs. An element whose key and tag
// still match is kept, so a text the operator selected, a button under the pointer and the focus survive
// the refresh every 2 s; rebuilding the cards and tables each time wiped all three. Hand-written
// instead of a view library: about 100 lines, no build step, and nothing to vendor.
(function (root) {
  'use strict';

  /**
   * An element description. props: `key` (identity among its siblings, default its position), `text`
   * (the whole text content, set as text and never parsed as HTML), `props` (DOM properties such as
   * `checked`), and attributes — `className` for class; true is an empty attribute, false/null/undefined
   * none. children: descriptions, null/false entries skipped.
   */
  function h(tag, props, children) {
    var attrs = {};
    var spec = { tag: tag.toUpperCase(), key: undefined, text: undefined, props: null, attrs: attrs };
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      // '=' and '#' keep a given key apart from a position.
      if (name === 'key') spec.key = '=' + String(value);
      else if (name === 'text') spec.text = value === null || value === undefined ? '' : String(value);
      else if (name === 'props') spec.props = value;
      else attrs[name === 'className' ? 'class' : name] = value;
    });
    spec.children = children
      ? children.filter(function (child) {
          return child;
        })
      : null;
    return spec;
  }

  function create(spec) {
    var node = document.createElement(spec.tag);
    node.sigilKey = spec.key;
    return node;
  }

  function patchAttributes(node, attrs) {
    var previous = node.sigilAttrs || [];
    var names = Object.keys(attrs);
    names.forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) {
        if (node.hasAttribute(name)) node.removeAttribute(name);
        return;
      }
      var text = value === true ? '' : String(value);
      if (node.getAttribute(name) !== text) node.setAttribute(name, text);
    });
    previous.forEach(function (name) {
      if (!(name in attrs) && node.hasAttribute(name)) node.removeAttribute(name);
    });
    node.sigilAttrs = names;
  }

  function patchNode(node, spec) {
    patchAttributes(node, spec.attrs);
    if (spec.props) {
      Object.keys(spec.props).forEach(function (name) {
        if (node[name] !== spec.props[name]) node[name] = spec.props[name];
      });
    }
    // Only a changed text is written: writing the same text again would replace the text node and drop
    // a selection inside it.
    if (spec.text !== undefined && node.textContent !== spec.text) node.textContent = spec.text;
    if (spec.children) patchChildren(node, spec.children);
    return node;
  }

  /** Makes parent's element children match specs: kept by (tag, key), moved, created or removed. */
  function patchChildren(parent, specs) {
    var existing = {};
    Array.prototype.forEach.call(parent.children, function (child, index) {
      var own = child.sigilKey !== undefined && child.sigilKey.charAt(0) === '=';
      var key = child.tagName + '\u0000' + (own ? child.sigilKey : '#' + index);
      if (!(key in existing)) existing[key] = child;
    });
    specs.forEach(function (spec, index) {
      if (spec.key === undefined) spec.key = '#' + index;
      var key = spec.tag + '\u0000' + spec.key;
      var node = existing[key];
      if (node) delete existing[key];
      else node = create(spec);
      var at = parent.children[index];
      if (at !== node) parent.insertBefore(node, at || null);
      patchNode(node, spec);
    });
    while (parent.children.length > specs.length) parent.removeChild(parent.lastElementChild);
  }

  root.SigilView = { h: h, patch: patchChildren };
})(window);
