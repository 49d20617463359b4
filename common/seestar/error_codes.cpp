#include "seestar/error_codes.h"

#include <map>

namespace zc::seestar {

std::string describe_code(int code) {
    static const std::map<int, const char*> kCodes = {
        {-1, "failed without a code"},
        {0, "ok"},
        {103, "method not found (older firmware, or a command this firmware lacks)"},
        {107, "expected object param (parameter shape rejected by this firmware)"},
        {108, "expected float param (nested list rejected by this firmware)"},
        {109, "unexpected param (\"verify\" inside object params on firmware >= 7.06)"},
        {203, "equipment is moving"},
        {207, "fail to operate"},
        {251, "plate solve failed"},
        {253, "aborted"},
        {263, "too few stars"},
        {264, "transform failed"},
        {267, "no image"},
        {270, "target below the horizon"},
        {279, "no star is detected"},
        {318, "partial error"},
        {501, "mount goto failed"},
        {502, "mount sync failed (is the scope clock set and the arm open?)"},
        {514, "interrupted"},
        {530, "star trails"},
    };
    if (auto it = kCodes.find(code); it != kCodes.end())
        return std::string(it->second) + " (" + std::to_string(code) + ")";
    return "error code " + std::to_string(code);
}

}  // namespace zc::seestar
