// The page's two DOM helpers: find one element, and make one.
export const $ = (selector) => document.querySelector(selector);
export const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
