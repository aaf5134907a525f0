// Small helpers to build HTML and SVG without innerHTML, so nothing from the API is ever parsed as markup.
const SVG = 'http://www.w3.org/2000/svg';

export function h(tag, attributes = {}, ...children) {
  return build(document.createElement(tag), attributes, children);
}

export function s(tag, attributes = {}, ...children) {
  return build(document.createElementNS(SVG, tag), attributes, children);
}

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

export function format(value, digits = 1, unit = '') {
  return value === null || value === undefined ? '–' : `${Number(value).toFixed(digits)}${unit}`;
}
