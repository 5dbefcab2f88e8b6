//! Links cpu_features when SEAL is built with Intel HEXL (feature `hexl`, the default).
//! HEXL finds the pre-installed cpu_features (Debian's libcpu-features-dev) through CMake
//! and calls it to pick its kernels at run time, but sealy links only SEAL's own archives,
//! so without this the link fails on `undefined symbol: GetX86Info`. A link argument comes
//! after every archive on the linker's command line, where it resolves SEAL's references.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_HEXL").is_some() {
        println!("cargo:rustc-link-arg=-lcpu_features");
    }
}
