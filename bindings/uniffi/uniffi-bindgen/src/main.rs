//! `uniffi-bindgen`: generates the Kotlin sources from `libchatlane_uniffi`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
