// The page of scripts/viewer_picture.py. ome-zarr.js opens the OME-Zarr image
// at ?dataset=URL and renders, at the middle time point and with the contrast
// stretched from the data's min to max:
//   ?size=N          the whole image from the pyramid level nearest N pixels
//                    (what a viewer shows before you zoom in);
//   ?centre=WxH      the centre W x H pixels of the full-resolution level
//                    (what it shows when you zoom in there).
// The PNG data URL is shown and posted back to the server that served the
// page, or the error is, so the script prints it instead of timing out.
import { NgffImage, convertRbgDataToDataUrl, render } from "ome-zarr.js";

const params = new URLSearchParams(location.search);
const dataset = new URL(params.get("dataset"), location.href).href;

async function post(path, body) {
  await fetch(path, { method: "POST", body });
}

async function renderCentre(width, height) {
  const image = await NgffImage.load(dataset);
  const shape = await image.getShape(0);
  const axes = image.axes.map((axis) => axis.name);
  const fullWidth = shape[axes.indexOf("x")];
  const fullHeight = shape[axes.indexOf("y")];
  const x0 = Math.max(0, Math.floor((fullWidth - width) / 2));
  const y0 = Math.max(0, Math.floor((fullHeight - height) / 2));
  const slices = { x: [x0, Math.min(fullWidth, x0 + width)], y: [y0, Math.min(fullHeight, y0 + height)] };
  const rgba = await image.renderRgba({ arrayPathOrIndex: 0, slices });
  return convertRbgDataToDataUrl(rgba.data, rgba.width);
}

window.addEventListener("error", (event) => post("/error", String(event.error?.stack ?? event.message)));
window.addEventListener("unhandledrejection", (event) => post("/error", String(event.reason?.stack ?? event.reason)));

try {
  const centre = params.get("centre");
  let png;
  if (centre) {
    const [width, height] = centre.split("x").map(Number);
    png = await renderCentre(width, height);
  } else {
    png = await render(dataset, Number(params.get("size") ?? 512));
  }
  if (!png.startsWith("data:image/png;base64,")) throw new Error(`ome-zarr.js returned no PNG: ${png.slice(0, 80)}`);
  const picture = document.createElement("img");
  picture.src = png;
  document.body.append(picture);
  await post("/result", png);
} catch (error) {
  await post("/error", String(error?.stack ?? error));
}
