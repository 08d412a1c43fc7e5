#pragma once

namespace folio {

// The project version (CMake's PROJECT_VERSION), e.g. "0.1.0".
const char* engineVersion();

}  // namespace folio
