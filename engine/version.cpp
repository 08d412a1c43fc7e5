#include "engine/version.h"

namespace folio {

const char* engineVersion() {
    return FOLIO_VERSION;
}

}  // namespace folio
