// SwiftPM needs one source file per C target; the FFI itself is in libchatlane_uniffi.
#include "ChatlaneFFI.h"
#include "ChatlaneModelFFI.h"
