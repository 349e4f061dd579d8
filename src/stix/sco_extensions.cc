// The contents of the predefined SCO extensions (spec sections 6.7.2-6.7.6, 6.12.2-6.12.5,
// 6.13.2-6.13.3): the enumerations they use, their timestamps, hashes and sizes, and the
// value types their dictionaries hold. Which object an extension may extend and its
// required properties are checked in common_properties.cc.
#include <string>

#include "stix/checks.h"

namespace entente::stix::detail {
namespace {

constexpr std::string_view kSocketFamilies[] = {"AF_UNSPEC",  "AF_INET",  "AF_IPX",  "AF_APPLETALK",
                                                "AF_NETBIOS", "AF_INET6", "AF_IRDA", "AF_BTH"};
constexpr std::string_view kSocketTypes[] = {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM",
                                             "SOCK_SEQPACKET"};
constexpr std::string_view kIntegrityLevels[] = {"low", "medium", "high", "system"};
constexpr std::string_view kServiceStartTypes[] = {"SERVICE_AUTO_START", "SERVICE_BOOT_START",
                                                   "SERVICE_DEMAND_START", "SERVICE_DISABLED",
                                                   "SERVICE_SYSTEM_ALERT"};
constexpr std::string_view kServiceTypes[] = {"SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER",
                                              "SERVICE_WIN32_OWN_PROCESS",
                                              "SERVICE_WIN32_SHARE_PROCESS"};
constexpr std::string_view kServiceStatuses[] = {
    "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED", "SERVICE_RUNNING",
    "SERVICE_START_PENDING",    "SERVICE_STOP_PENDING",  "SERVICE_STOPPED"};

void EnumIn(Checker& c, const Path& p, const json::object& o, std::string_view name,
            std::span<const std::string_view> values) {
  if (const json::value* v = o.if_contains(name)) ExpectEnum(c, p.Key(name), *v, values);
}

void HashesIn(Checker& c, const Path& p, const json::object& o, std::string_view name) {
  if (const json::value* v = o.if_contains(name)) ExpectHashes(c, p.Key(name), *v);
}

// Each value of the dictionary `name` passes `ok`; otherwise reports `rule` with `expected`.
void DictionaryValues(Checker& c, const Path& p, const json::object& o, std::string_view name,
                      bool (*ok)(const json::value&), std::string_view rule,
                      std::string_view expected) {
  const json::value* v = o.if_contains(name);
  if (!v) return;
  const json::object* dict = ExpectObject(c, p.Key(name), *v);
  if (!dict) return;
  for (const auto& [key, value] : *dict) {
    if (!ok(value)) c.Report(p.Key(name).Key(key), rule, std::string(expected));
  }
}

bool IsIntegerValue(const json::value& v) { return v.is_int64() || v.is_uint64(); }
bool IsStringValue(const json::value& v) { return v.is_string(); }
bool IsIntegerOrString(const json::value& v) { return IsIntegerValue(v) || v.is_string(); }
bool IsStringList(const json::value& v) {
  if (!v.is_array() || v.get_array().empty()) return false;
  for (const json::value& item : v.get_array()) {
    if (!item.is_string()) return false;
  }
  return true;
}

// A list of objects, each checked by `each`.
template <typename F>
void ObjectList(Checker& c, const Path& p, const json::object& o, std::string_view name, F each) {
  const json::value* v = o.if_contains(name);
  if (!v) return;
  const json::array* list = ExpectList(c, p.Key(name), *v);
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) {
    if (const json::object* item = ExpectObject(c, p.Key(name).At(i), (*list)[i])) {
      each(p.Key(name).At(i), *item);
    }
  }
}

void PeBinary(Checker& c, const Path& p, const json::object& ext) {
  // Section 6.7.6: "The timestamp value MUST be precise to the second."
  if (const json::value* v = ext.if_contains("time_date_stamp")) {
    const Path tp = p.Key("time_date_stamp");
    if (auto ts = ExpectTimestamp(c, tp, *v); ts && ts->fraction_digits != 0) {
      c.Report(tp, "timestamp-precision",
               "time_date_stamp is precise to the second: no fractional seconds (section 6.7.6)");
    }
  }
  for (std::string_view n :
       {"number_of_sections", "number_of_symbols", "size_of_optional_header"}) {
    NonNegativeIn(c, p, ext, n);
  }
  HashesIn(c, p, ext, "file_header_hashes");
  if (const json::value* v = ext.if_contains("optional_header")) {
    const Path hp = p.Key("optional_header");
    if (const json::object* header = ExpectObject(c, hp, *v)) {
      for (std::string_view n :
           {"size_of_code", "size_of_initialized_data", "size_of_uninitialized_data",
            "size_of_image", "size_of_headers", "size_of_stack_reserve", "size_of_stack_commit",
            "size_of_heap_reserve", "size_of_heap_commit"}) {
        NonNegativeIn(c, hp, *header, n);
      }
      HashesIn(c, hp, *header, "hashes");
    }
  }
  ObjectList(c, p, ext, "sections", [&](const Path& sp, const json::object& section) {
    NonNegativeIn(c, sp, section, "size");
    HashesIn(c, sp, section, "hashes");
  });
}

}  // namespace

void CheckPredefinedExtensionBody(Checker& c, const Path& p, std::string_view name,
                                  const json::object& ext) {
  if (name == "socket-ext") {
    EnumIn(c, p, ext, "address_family", kSocketFamilies);
    EnumIn(c, p, ext, "socket_type", kSocketTypes);
    DictionaryValues(c, p, ext, "options", IsIntegerValue, "dictionary-value",
                     "each socket option value is an integer (section 6.12.4)");
  } else if (name == "windows-process-ext") {
    EnumIn(c, p, ext, "integrity_level", kIntegrityLevels);
  } else if (name == "windows-service-ext") {
    EnumIn(c, p, ext, "start_type", kServiceStartTypes);
    EnumIn(c, p, ext, "service_type", kServiceTypes);
    EnumIn(c, p, ext, "service_status", kServiceStatuses);
  } else if (name == "windows-pebinary-ext") {
    PeBinary(c, p, ext);
  } else if (name == "ntfs-ext") {
    ObjectList(c, p, ext, "alternate_data_streams", [&](const Path& sp, const json::object& ads) {
      NonNegativeIn(c, sp, ads, "size");
      HashesIn(c, sp, ads, "hashes");
    });
  } else if (name == "http-request-ext") {
    DictionaryValues(c, p, ext, "request_header", IsStringList, "dictionary-value",
                     "each HTTP header value is a list of strings (section 6.12.2)");
  } else if (name == "raster-image-ext") {
    DictionaryValues(c, p, ext, "exif_tags", IsIntegerOrString, "dictionary-value",
                     "each EXIF tag value is an integer or a string (section 6.7.5)");
  } else if (name == "pdf-ext") {
    DictionaryValues(c, p, ext, "document_info_dict", IsStringValue, "dictionary-value",
                     "each document information value is a string (section 6.7.4)");
  }
}

}  // namespace entente::stix::detail
