//! Small DOM helpers.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, Window};

pub fn window() -> Window {
    web_sys::window().expect("a browser window")
}

pub fn document() -> Document {
    window().document().expect("a document")
}

/// The element with `id`, cast to `T`.
pub fn by_id<T: JsCast>(id: &str) -> Result<T, JsValue> {
    document()
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&format!("missing element #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| JsValue::from_str(&format!("#{id} has an unexpected type")))
}

/// Creates an element with a class.
pub fn create(tag: &str, class: &str) -> Result<Element, JsValue> {
    let e = document().create_element(tag)?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    Ok(e)
}

/// Adds an event listener that lives as long as the page.
pub fn on<E: JsCast + 'static>(
    target: &impl AsRef<web_sys::EventTarget>,
    event: &str,
    f: impl FnMut(E) + 'static,
) -> Result<(), JsValue> {
    let mut f = f;
    let cb = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        if let Ok(e) = e.dyn_into::<E>() {
            f(e)
        }
    });
    target.as_ref().add_event_listener_with_callback(event, cb.as_ref().unchecked_ref())?;
    cb.forget();
    Ok(())
}

/// Sets the text of `#id` if it changed (avoids needless layout).
pub fn set_text(id: &str, text: &str) {
    if let Some(e) = document().get_element_by_id(id) {
        if e.text_content().as_deref() != Some(text) {
            e.set_text_content(Some(text));
        }
    }
}

/// Shows or hides an element by id.
pub fn set_hidden(id: &str, hidden: bool) {
    if let Ok(e) = by_id::<HtmlElement>(id) {
        if e.hidden() != hidden {
            e.set_hidden(hidden);
        }
    }
}

/// Scrolls the element `id` to the top of the viewport (if it exists).
pub fn scroll_into_view(id: &str) {
    if let Ok(e) = by_id::<HtmlElement>(id) {
        e.scroll_into_view_with_bool(true);
    }
}

/// Whether a media query matches.
pub fn media(query: &str) -> bool {
    window().match_media(query).ok().flatten().is_some_and(|m| m.matches())
}

/// `performance.now()` in milliseconds.
pub fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// A warning in the browser console (drawing errors that must not stop the page).
pub fn console_warn(text: &str) {
    web_sys::console::warn_1(&wasm_bindgen::JsValue::from_str(text));
}

/// Offers `text` as a file download of MIME type `mime`.
pub(super) fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    download_parts(name, mime, &JsValue::from_str(text))
}

/// Offers `bytes` as a file download.
pub(super) fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    download_parts(name, mime, &js_sys::Uint8Array::from(bytes))
}

fn download_parts(name: &str, mime: &str, part: &JsValue) -> Result<(), JsValue> {
    let parts = js_sys::Array::new();
    parts.push(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = create("a", "")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}
