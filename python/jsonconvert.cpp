#include "jsonconvert.h"

#include "inputerror.h"

namespace py = pybind11;
using json = nlohmann::json;

namespace dmftlab::python
{

namespace
{

std::string typeName(py::handle value)
{
    return py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

std::string childKey(const std::string &key, const std::string &child)
{
    return key.empty() ? child : key + "." + child;
}

// Configs nest a few levels; the bound keeps a deeply nested or self-containing value
// from overflowing the C++ stack.
constexpr int kMaxDepth = 64;

json convert(py::handle value, const std::string &key, int depth)
{
    const std::string where = key.empty() ? std::string("config") : key;
    if (depth > kMaxDepth)
        throw InputError(where + ": nested more than " + std::to_string(kMaxDepth) + " levels deep", key);
    if (value.is_none())
        return nullptr;
    if (PyBool_Check(value.ptr()))
        return value.ptr() == Py_True;
    if (PyLong_Check(value.ptr())) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
        if (overflow == 0 && !(v == -1 && PyErr_Occurred()))
            return v;
        PyErr_Clear();
        if (overflow > 0) {
            const unsigned long long u = PyLong_AsUnsignedLongLong(value.ptr());
            if (!PyErr_Occurred())
                return u;
            PyErr_Clear();
        }
        throw InputError(where + ": integer " + py::str(value).cast<std::string>() + " is out of range", key);
    }
    if (PyFloat_Check(value.ptr()))
        return PyFloat_AsDouble(value.ptr());
    if (PyUnicode_Check(value.ptr()))
        return value.cast<std::string>();
    if (PyDict_Check(value.ptr())) {
        json out = json::object();
        for (auto item : py::reinterpret_borrow<py::dict>(value)) {
            if (!PyUnicode_Check(item.first.ptr()))
                throw InputError(where + ": keys must be strings, got " + typeName(item.first), key);
            const std::string name = item.first.cast<std::string>();
            out[name] = convert(item.second, childKey(key, name), depth + 1);
        }
        return out;
    }
    if (PyList_Check(value.ptr()) || PyTuple_Check(value.ptr())) {
        json out = json::array();
        for (auto item : py::reinterpret_borrow<py::sequence>(value))
            out.push_back(convert(item, key, depth + 1));
        return out;
    }
    // NumPy scalars and arrays (np.float64 is a float, but np.int64 and np.bool_ are not).
    if (py::hasattr(value, "tolist") && py::hasattr(value, "dtype"))
        return convert(value.attr("tolist")(), key, depth + 1);
    throw InputError(where + ": a value of type " + typeName(value)
            + " has no JSON form (use numbers, strings, booleans, None, lists or dicts)",
        key);
}

} // namespace

json toJson(py::handle value, const std::string &key)
{
    return convert(value, key, 0);
}

py::object fromJson(const json &value)
{
    switch (value.type()) {
    case json::value_t::null:
        return py::none();
    case json::value_t::boolean:
        return py::bool_(value.get<bool>());
    case json::value_t::number_integer:
        return py::int_(value.get<long long>());
    case json::value_t::number_unsigned:
        return py::int_(value.get<unsigned long long>());
    case json::value_t::number_float:
        return py::float_(value.get<double>());
    case json::value_t::string:
        return py::str(value.get<std::string>());
    case json::value_t::array: {
        py::list out;
        for (const auto &item : value)
            out.append(fromJson(item));
        return out;
    }
    case json::value_t::object: {
        py::dict out;
        for (auto it = value.begin(); it != value.end(); ++it)
            out[py::str(it.key())] = fromJson(it.value());
        return out;
    }
    default:
        return py::none();
    }
}

} // namespace dmftlab::python
