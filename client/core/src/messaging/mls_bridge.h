// The one bridge from the MLS layer's typed error to the client core's. Inside
// crypto/mls every failure is an MlsError (lagrum/mls/error.h); no MlsError crosses a
// public core call: each place that calls MLS catches it and converts it here, choosing
// the core code the failure means in its context (a damaged stored group is
// corrupt_store, a refused change is conflict, ...).
#pragma once

#include <string>

#include "lagrum/core/error.h"
#include "lagrum/mls/error.h"

namespace lagrum::core {

// core::Error(code, "<context>: <MLS message>").
inline Error from_mls(Errc code, const std::string& context, const mls::MlsError& e) {
    return Error(code, context + ": " + e.what());
}

}  // namespace lagrum::core
