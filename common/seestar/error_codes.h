#pragma once
// Reply and event codes the device is known to use (reference §1.4, §1.5), as messages for
// operators.
#include <string>

namespace zc::seestar {

/// "equipment is moving (203)"; unknown codes read "error code N".
std::string describe_code(int code);

}  // namespace zc::seestar
