#include "cli/remote_sensor.h"

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "admission/admission.h"
#include "cli/node_util.h"
#include "stix/stix.h"

namespace entente::cli {
namespace {

namespace json = boost::json;

// The state folder's fixed layout: one API root, the copy of the node's indicators and the
// sensor's own sightings, read (and, for the sightings, written) by the organisation
// "sensor".
constexpr const char* kApiRoot = "sensor";
constexpr const char* kOrg = "sensor";
constexpr const char* kIndicators = "5e050000-0000-4000-8000-000000000001";
constexpr const char* kSightings = "5e050000-0000-4000-8000-000000000002";
constexpr const char* kFromNode = "node";  // owner of the copied indicators
constexpr size_t kPage = 1000;             // objects per GET page
constexpr size_t kEnvelope = 200;          // objects per POST
constexpr int kPendingPolls = 300;         // 100 ms apart: 30 s for a pending envelope

}  // namespace

Result<std::unique_ptr<RemoteSensor>> RemoteSensor::Open(RemoteSensorOptions options) {
  if (!options.identity.starts_with("identity--")) {
    return Status::InvalidArgument(
        "--identity must be the sighting organisation's STIX identity id on the node "
        "(identity--…; `entente org list` there shows it)");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.state_dir, ec);
  if (ec) {
    return Status::IoError("cannot create the sensor's state folder " + options.state_dir + ": " +
                           ec.message());
  }
  std::unique_ptr<RemoteSensor> s(new RemoteSensor());
  auto store = OpenStoreFile(options.state_dir + "/sensor.db", /*create=*/true);
  if (!store.ok()) return store.status();
  s->store_ = std::move(*store);
  s->org_ = store::Organisation{kOrg, "sensor", options.country, options.sector, options.identity,
                                "",   {}};
  s->indicators_ = {kIndicators, kApiRoot, "Indicators from the node", "", policy::Tlp::kClear,
                    {kOrg},      {}};
  s->sightings_ = {kSightings, kApiRoot, "Sightings for the node", "", policy::Tlp::kClear,
                   {kOrg},     {kOrg}};
  ENTENTE_RETURN_IF_ERROR(s->store_->PutApiRoot({kApiRoot, "Sensor", "", 10 * 1024 * 1024}));
  ENTENTE_RETURN_IF_ERROR(s->store_->PutOrganisation(s->org_));
  ENTENTE_RETURN_IF_ERROR(s->store_->PutCollection(s->indicators_));
  ENTENTE_RETURN_IF_ERROR(s->store_->PutCollection(s->sightings_));
  taxii::ClientOptions client;
  client.api_root_url = options.url;
  client.token = options.token;
  auto created = taxii::TaxiiClient::Create(std::move(client));
  if (!created.ok()) return created.status();
  s->client_ = std::move(*created);
  s->options_ = std::move(options);
  return s;
}

Result<size_t> RemoteSensor::Fetch() {
  auto collections = client_->GetCollections();
  if (!collections.ok()) return collections.status();
  admission::Submitter from_node;
  from_node.channel = admission::Channel::kOperator;
  from_node.org_id = kFromNode;
  admission::Admission admission(indicators_, from_node,
                                 admission::Options{admission::NodeValidateOptions()});
  size_t stored = 0;
  const json::value* list = collections->if_contains("collections");
  if (list == nullptr || !list->is_array()) return stored;  // none readable
  for (const json::value& c : list->get_array()) {
    const json::object* o = c.if_object();
    const json::value* id = o ? o->if_contains("id") : nullptr;
    const json::value* can_read = o ? o->if_contains("can_read") : nullptr;
    if (id == nullptr || !id->is_string() || can_read == nullptr || !can_read->is_bool() ||
        !can_read->get_bool()) {
      continue;
    }
    const std::string coll(id->get_string());
    const std::string name = "fetch:" + coll;
    auto after = store_->GetCheckpoint(name);
    if (!after.ok()) return after.status();
    taxii::ObjectsQuery q;
    q.added_after = *after;
    q.limit = kPage;
    q.match = {{"type", "indicator"}, {"version", "all"}};
    for (;;) {
      auto page = client_->GetObjects(coll, q);
      if (!page.ok()) return page.status();
      std::vector<store::NewObject> batch;
      for (const json::object& obj : page->objects) {
        store::NewObject out;
        if (!admission.Admit(obj, &out)) batch.push_back(std::move(out));
      }
      const std::string reached =
          page->date_added_last.empty() ? q.added_after : page->date_added_last;
      auto added = store_->AddObjectsAndCheckpoint(indicators_.id, batch, name, reached);
      if (!added.ok()) return added.status();
      for (const store::AddResult& r : *added) stored += r.outcome == store::AddOutcome::kAdded;
      if (!page->more || page->next.empty()) break;
      q.next = page->next;
    }
  }
  return stored;
}

Result<size_t> RemoteSensor::Send() {
  size_t acknowledged = 0;
  for (;;) {
    auto from = store_->GetCheckpoint("send");
    if (!from.ok()) return from.status();
    store::ObjectQuery q;
    q.collection_id = sightings_.id;
    q.match_all = true;
    q.match_last = false;
    if (!from->empty()) q.added_after_us = std::stoll(*from);
    std::string envelope = "{\"objects\":[";
    size_t count = 0;
    int64_t last = 0;
    ENTENTE_RETURN_IF_ERROR(store_->ScanObjects(q, [&](const store::ObjectRow& row) {
      if (count != 0) envelope += ',';
      envelope.append(row.json);
      last = row.date_added_us;
      return ++count == kEnvelope ? store::ScanAction::kStop : store::ScanAction::kContinue;
    }));
    if (count == 0) return acknowledged;
    envelope += "]}";
    auto status = client_->PostEnvelope(options_.collection, envelope);
    for (int i = 0; status.ok() && status->status == "pending" && i < kPendingPolls; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      status = client_->GetStatus(status->id);
    }
    if (!status.ok()) return status.status();
    if (status->status != "complete") {
      return Status::Unavailable(
          "the node has not finished storing the sightings sent "
          "(status " +
          status->id + " still pending); sent again later");
    }
    if (status->failure_count > 0) {
      // Refused for good (e.g. the token's organisation is not the sightings' creator):
      // sending them again would be refused again.
      return Status::PermissionDenied(
          "the node refused " + std::to_string(status->failure_count) + " of the sightings: " +
          (status->failures.empty() ? std::string("(no reason given)") : status->failures[0]));
    }
    acknowledged += static_cast<size_t>(status->success_count);
    auto saved = store_->AddObjectsAndCheckpoint(sightings_.id, {}, "send", std::to_string(last));
    if (!saved.ok()) return saved.status();
  }
}

}  // namespace entente::cli
