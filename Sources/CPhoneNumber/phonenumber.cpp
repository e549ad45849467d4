// The C face of CPhoneNumber.h over libphonenumber's PhoneNumberUtil (a thread-safe singleton).
#include "CPhoneNumber.h"

#include <cstring>
#include <string>

#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static size_t copy_out(const std::string &text, char *out, size_t capacity) {
    if (capacity == 0 || text.size() + 1 > capacity) return 0;
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
    return text.size();
}

extern "C" size_t switchboard_phone_format(const char *e164, int national, char *out, size_t capacity) {
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util->Parse(e164, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return 0;
    if (!util->IsValidNumber(number)) return 0;
    std::string formatted;
    util->Format(number, national ? PhoneNumberUtil::NATIONAL : PhoneNumberUtil::INTERNATIONAL, &formatted);
    return copy_out(formatted, out, capacity);
}
