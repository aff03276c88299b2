//! The shapes of what the core hands over already checked (received events, operation
//! answers), read once from the generated `chatlane._model`: its `_SHAPES` table (each trusted
//! class's fields) and `_EVENT_SHAPE`. A shape says which class each JSON object becomes and
//! which slot each of its keys fills; [`crate::build`] builds values by it.

use std::collections::HashMap;
use std::ffi::c_void;

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyList, PyString, PyTuple, PyType};

/// How a JSON value becomes its Python value (`None` for `null`, whatever the shape).
pub enum Shape {
    /// As is: a string, number, boolean, or a list or dict of those.
    Json,
    /// A number, as a `float`.
    Float,
    /// An object, as the class at this index of [`Shapes::models`].
    Model(usize),
    /// An array, each item by the shape.
    List(Box<Shape>),
    /// An object of any keys, each value by the shape.
    Map(Box<Shape>),
    /// An object, by the member its key `tag` names.
    Union { tag: String, members: Vec<(String, Shape)> },
    /// A string as is, or an object of one key, by the member that key names.
    Open(Vec<(String, Shape)>),
}

/// A generated class and its fields, in the order `__slots__` lists them.
pub struct Model {
    /// The class.
    pub class: Py<PyType>,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// One field of a [`Model`].
pub struct Field {
    /// Its JSON key.
    pub key: String,
    /// Its attribute.
    pub slot: Slot,
    /// How its value is built.
    pub shape: Shape,
    /// Its value when the key is absent.
    pub absent: Absent,
}

/// A slot of a generated class: its name, and the member descriptor that stores it, whose
/// setter fills the slot as `object.__setattr__` does once it has looked the name up (past
/// the class's frozen `__setattr__`), without that lookup for every value.
pub struct Slot {
    /// The attribute's name (interned).
    pub name: Py<PyString>,
    /// The class's member descriptor of the slot.
    member: Py<PyAny>,
    /// Its type's `tp_descr_set`.
    store: ffi::descrsetfunc,
}

impl Slot {
    /// The slot `name` of `class`; `ValueError` unless the class stores it in a slot.
    fn new(class: &Bound<'_, PyType>, name: &str) -> PyResult<Self> {
        let py = class.py();
        let name = PyString::intern(py, name);
        let member = class.getattr(&name)?;
        let not_a_slot = || PyValueError::new_err(format!("{class}.{name} is not a slot"));
        if member.get_type().name()? != "member_descriptor" {
            return Err(not_a_slot());
        }
        // SAFETY: `member`'s type is a live type object; `PyType_GetSlot` reads one of its
        // slots (any type since CPython 3.10, chatlane's oldest) and returns NULL when unset.
        let store = unsafe { ffi::PyType_GetSlot(member.get_type().as_type_ptr(), ffi::Py_tp_descr_set) };
        // SAFETY: a non-NULL `tp_descr_set` is a `descrsetfunc`, as CPython declares it.
        let store = (!store.is_null()).then(|| unsafe { std::mem::transmute::<*mut c_void, ffi::descrsetfunc>(store) });
        let store = store.ok_or_else(not_a_slot)?;
        Ok(Self { name: name.unbind(), member: member.unbind(), store })
    }

    /// Sets this slot of `instance` (an instance of the class, else `TypeError`) to `value`.
    pub fn set(&self, instance: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        // SAFETY: the three are live objects the call borrows; the member descriptor checks
        // that `instance` is of its class, and returns -1 with an exception set when it fails.
        let status = unsafe { (self.store)(self.member.as_ptr(), instance.as_ptr(), value.as_ptr()) };
        if status < 0 { Err(PyErr::fetch(instance.py())) } else { Ok(()) }
    }
}

/// A field's value when its key is absent.
pub enum Absent {
    /// `None`, a boolean, number or string: shared.
    Shared(Py<PyAny>),
    /// A new empty list.
    List,
    /// A new empty dict.
    Dict,
}

impl Absent {
    /// The value itself.
    pub fn value<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            Self::Shared(value) => value.bind(py).clone(),
            Self::List => PyList::empty(py).into_any(),
            Self::Dict => PyDict::new(py).into_any(),
        }
    }

    /// Whether `value` is the value itself, type for type.
    pub fn is(&self, value: &Bound<'_, PyAny>) -> bool {
        match self {
            Self::Shared(absent) => {
                value.get_type().is(absent.bind(value.py()).get_type()) && value.eq(absent).unwrap_or(false)
            }
            Self::List => value.cast_exact::<PyList>().is_ok_and(|list| list.is_empty()),
            Self::Dict => value.cast_exact::<PyDict>().is_ok_and(|dict| dict.is_empty()),
        }
    }
}

/// The most fields a model may have ([`crate::build`] keeps one bit per field).
pub const MAX_FIELDS: usize = 64;

/// Every trusted class of `chatlane._model`, and the shape of a received event.
pub struct Shapes {
    /// The trusted classes, as `_SHAPES` lists them.
    pub models: Vec<Model>,
    /// Each class's index in `models`, by the address of the class object.
    classes: HashMap<usize, usize>,
    /// The shape of a received event (`_EVENT_SHAPE`).
    pub event: Shape,
}

impl Shapes {
    /// The shapes, read from `chatlane._model` on first use.
    pub fn get(py: Python<'_>) -> PyResult<&'static Self> {
        static SHAPES: PyOnceLock<Shapes> = PyOnceLock::new();
        SHAPES.get_or_try_init(py, || Self::read(py))
    }

    fn read(py: Python<'_>) -> PyResult<Self> {
        let module = py.import("chatlane._model")?;
        let table = module.getattr("_SHAPES")?.cast_into::<PyDict>()?;
        let classes = table.keys().iter().enumerate().map(|(index, class)| (class.as_ptr() as usize, index)).collect();
        let mut shapes = Self { models: Vec::with_capacity(table.len()), classes, event: Shape::Json };
        for (class, fields) in table.iter() {
            let class = class.cast_into::<PyType>()?;
            let fields = fields.try_iter()?.map(|field| shapes.field(&class, &field?)).collect::<PyResult<Vec<_>>>()?;
            if fields.len() > MAX_FIELDS {
                return Err(PyValueError::new_err(format!("{class} has more than {MAX_FIELDS} fields")));
            }
            shapes.models.push(Model { class: class.unbind(), fields });
        }
        shapes.event = shapes.compile(&module.getattr("_EVENT_SHAPE")?)?;
        Ok(shapes)
    }

    /// The shape `spec` describes, as `_SHAPES` writes shapes: `None`, `float`, a trusted
    /// class, `("list", shape)`, `("map", shape)`, `("union", tag, {value: shape})` or
    /// `("open", {key: shape})`; `ValueError` for anything else.
    pub fn compile(&self, spec: &Bound<'_, PyAny>) -> PyResult<Shape> {
        if spec.is_none() {
            return Ok(Shape::Json);
        }
        if spec.is(spec.py().get_type::<PyFloat>()) {
            return Ok(Shape::Float);
        }
        if let Some(&index) = self.classes.get(&(spec.as_ptr() as usize)) {
            return Ok(Shape::Model(index));
        }
        let parts = spec.cast::<PyTuple>().map_err(|_| not_a_shape(spec))?;
        let kind = parts.get_item(0)?;
        let shape = match (kind.extract::<&str>()?, parts.len()) {
            ("list", 2) => Shape::List(Box::new(self.compile(&parts.get_item(1)?)?)),
            ("map", 2) => Shape::Map(Box::new(self.compile(&parts.get_item(1)?)?)),
            ("union", 3) => {
                Shape::Union { tag: parts.get_item(1)?.extract()?, members: self.members(&parts.get_item(2)?)? }
            }
            ("open", 2) => Shape::Open(self.members(&parts.get_item(1)?)?),
            _ => return Err(not_a_shape(spec)),
        };
        Ok(shape)
    }

    fn members(&self, spec: &Bound<'_, PyAny>) -> PyResult<Vec<(String, Shape)>> {
        let members = spec.cast::<PyDict>().map_err(|_| not_a_shape(spec))?;
        members.iter().map(|(name, member)| Ok((name.extract()?, self.compile(&member)?))).collect()
    }

    /// A field of `class` in `_SHAPES`: `(key, attribute, shape, value when absent)`, the
    /// value when absent `None`, a boolean, number, string, or an empty list or dict.
    fn field(&self, class: &Bound<'_, PyType>, spec: &Bound<'_, PyAny>) -> PyResult<Field> {
        let (key, slot, shape, absent): (String, String, Bound<'_, PyAny>, Bound<'_, PyAny>) = spec.extract()?;
        let absent = match (absent.cast::<PyList>(), absent.cast::<PyDict>()) {
            (Ok(list), _) if list.is_empty() => Absent::List,
            (_, Ok(dict)) if dict.is_empty() => Absent::Dict,
            (Err(_), Err(_)) => Absent::Shared(absent.unbind()),
            _ => return Err(not_a_shape(spec)),
        };
        Ok(Field { key, slot: Slot::new(class, &slot)?, shape: self.compile(&shape)?, absent })
    }
}

fn not_a_shape(spec: &Bound<'_, PyAny>) -> PyErr {
    PyValueError::new_err(format!("not a shape of chatlane._model: {spec}"))
}
