/*
 * chainwatch: the "PNG" download of a chart, drawn in the reader's browser from the chart's own
 * inline SVG (the page works without this script: the chart, its SVG download and its data do not
 * need it). The SVG is drawn as a data: image (the CSP allows data: images) onto a canvas at twice
 * its size, on white, in the light theme's ink, and saved as <chart id>.png. No request leaves the page.
 */
const INK = '#1c1f23';
const SCALE = 2;

function svgImage(svg) {
  const copy = svg.cloneNode(true);
  const box = svg.viewBox.baseVal;
  copy.setAttribute('width', String(box.width));
  copy.setAttribute('height', String(box.height));
  copy.setAttribute('color', INK);
  copy.style.color = INK;
  const source = new XMLSerializer().serializeToString(copy);
  const image = new Image();
  image.width = box.width;
  image.height = box.height;
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  return image;
}

async function savePng(figure) {
  const svg = figure.querySelector('.chart-wide svg');
  const image = svgImage(svg);
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width * SCALE;
  canvas.height = image.height * SCALE;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const link = document.createElement('a');
  link.href = canvas.toDataURL('image/png');
  link.download = `${figure.id}.png`;
  link.click();
}

for (const figure of document.querySelectorAll('figure.chart')) {
  const slot = figure.querySelector('.chart-png');
  if (!slot) continue;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link-button';
  button.textContent = 'PNG';
  button.setAttribute('aria-label', `Download this chart as PNG: ${figure.dataset.title ?? figure.id}`);
  button.addEventListener('click', () => {
    savePng(figure).catch((error) => console.warn(`PNG of ${figure.id} failed: ${error}`));
  });
  slot.replaceChildren(' · ', button);
}
