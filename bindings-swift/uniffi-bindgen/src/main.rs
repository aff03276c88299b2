//! `uniffi-bindgen`: generates the Kotlin and Swift sources from `libchatlane_uniffi`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
