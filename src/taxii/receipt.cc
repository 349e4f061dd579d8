#include "taxii/receipt.h"

#include <string>
#include <variant>

#include "policy/access.h"

namespace entente::taxii {

Result<bool> ReceiptReadable(store::Store& store, const policy::Requester& reader,
                             std::string_view org_id, const audit::Entry& entry) {
  std::string object_id, version, collection_id;
  if (const auto* stored = std::get_if<audit::ObjectStored>(&entry.body)) {
    if (stored->submitter != org_id) return false;
    object_id = stored->object_id;
    version = stored->version;
    collection_id = stored->collection;
  } else if (const auto* batch = std::get_if<audit::ObjectsStored>(&entry.body)) {
    // A batch the reader submitted: it names the collection, how many versions and the
    // root of their items (no id), readable while the reader may read the collection.
    if (batch->submitter != org_id || batch->channel == audit::Channel::kPeer) return false;
    auto c = store.GetCollection(batch->collection);
    if (!c.ok()) {
      return c.status().code() == StatusCode::kNotFound ? Result<bool>(false) : c.status();
    }
    return policy::AccessToCollection(reader, c->readers, c->writers).can_read;
  } else if (const auto* deleted = std::get_if<audit::Deletion>(&entry.body)) {
    // A deleted version is gone: its entry is readable while another version the reader
    // may read remains (it already knows the object).
    if (deleted->by != org_id) return false;
    object_id = deleted->object_id;
    collection_id = deleted->collection;
  } else {
    return false;
  }
  auto c = store.GetCollection(collection_id);
  if (!c.ok()) return c.status().code() == StatusCode::kNotFound ? Result<bool>(false) : c.status();
  if (!policy::AccessToCollection(reader, c->readers, c->writers).can_read) return false;
  store::ObjectQuery q;
  q.collection_id = collection_id;
  q.ids.push_back(object_id);
  q.match_all = true;
  bool readable = false;
  Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if ((version.empty() || row.version == version) && policy::MayRead(reader, row.labels)) {
      readable = true;
      return store::ScanAction::kStop;
    }
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  return readable;
}

}  // namespace entente::taxii
