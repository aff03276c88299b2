//! `uniffi-bindgen-swift`: generates the Swift package's sources, headers and one module
//! map covering every namespace of `libchatlane_uniffi`.

fn main() {
    uniffi::uniffi_bindgen_swift()
}
