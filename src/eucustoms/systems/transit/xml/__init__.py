"""The NCTS phase 5 XML message layer: parse, validate and render the ``ncts:CCnnnC`` messages against the
official DG TAXUD schemas (XSD 51.8.6, DDNTA 5.15.2, namespace ``http://ncts.dgtaxud.ec``; files in ``xsd/``).

    from eucustoms.systems.transit.xml import parse, render, validate, header, MESSAGE_TYPES, NS, Message

    message = parse(body, expected="CC015C")        # Rejected (XmlRejected) listing every error, or a Message
    message.type, message.data, message.raw
    body = render("CC928C", {**header("CC928C", "NTA.DE", "TRADER.DE000000000001"), "TransitOperation": ...})
    issues = validate(body)                          # [] when valid

The dict form (``Message.data``, the input of ``render``):

- keys are the element names of the XSD (local names, no prefix), the root element itself is not a key;
- an element declared with maxOccurs > 1 is *always* a list, even with one occurrence (``model.repeated_paths``
  lists them per type; ``model.outline("CC015C")`` prints the whole tree);
- other elements are a dict (complex content) or a str (a leaf: the text exactly as sent, no conversion);
- attributes are ``"@name"`` (only the root's ``@PhaseID`` in these schemas);
- the content of ``Extensions`` (open content, not described by the schemas) is kept generically: names as
  found (``{namespace}name`` when namespaced), a list where a name repeats, ``#text`` beside children.

``project(message_type, data)`` drops what a type does not declare (to re-use a CC015C's data in a CC029C).
``render`` orders children as the schema's sequence does, skips keys whose value is None, takes str, int,
bool (``1``/``0``), Decimal/float (plain), date (``YYYY-MM-DD``), datetime (``YYYY-MM-DDThh:mm:ss``, UTC,
no zone) and Enum leaves, validates its output and raises ``RenderError`` (a ValueError) if it is invalid.

Pointers (``Issue.pointer``) name elements from the root, with a 1-based ``[n]`` on every repeating element:
``/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods``; attributes end
in ``/@name``; a missing required child is pointed at where it belongs. The reason ends with the line.

Message types (:data:`MESSAGE_TYPES`, one schema each):
CC004C amendment acceptance · CC007C arrival notification · CC009C invalidation decision ·
CC013C declaration amendment · CC014C declaration invalidation request · CC015C declaration data ·
CC017C departure control results · CC019C discrepancies · CC022C notification to amend declaration ·
CC023C guarantor notification · CC025C goods release notification · CC028C MRN allocated ·
CC029C release for transit · CC035C recovery notification · CC040C transit cancellation notification to AES ·
CC042C destination control results to AES · CC043C unloading permission · CC044C unloading remarks ·
CC045C write-off notification · CC048C recovery communication to AES · CC051C no release for transit ·
CC055C guarantee not valid · CC056C rejection from office of departure · CC057C rejection from office of
destination · CC060C control decision notification · CC170C presentation notification for the pre-lodged
declaration · CC182C forwarded incident notification to office of destination · CC190C transit presentation
notification · CC191C transit presentation notification response · CC228C comprehensive guarantee
cancellation, liability liberation · CC906C functional NACK · CC917C XML NACK · CC928C positive acknowledge.

Modules: ``schema`` (files, types, compiled schema pool), ``model`` (the structure read from the XSDs),
``reading`` (safe parse, validation, errors, dict form), ``writing`` (render), ``headers``, ``examples``
(a realistic instance of each message the system emits).
"""

from eucustoms.systems.transit.xml.headers import header, message_identification
from eucustoms.systems.transit.xml.reading import (
    MAX_BYTES,
    MAX_DEPTH,
    Message,
    XmlError,
    XmlRejected,
    parse,
    validate,
    xml_errors,
)
from eucustoms.systems.transit.xml.schema import MESSAGE_TYPES, NS, warm_up
from eucustoms.systems.transit.xml.writing import (
    RenderError,
    format_value,
    project,
    render,
)

__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "MESSAGE_TYPES", "NS", "Message", "RenderError", "XmlError", "XmlRejected",
    "format_value", "header", "message_identification", "parse", "project", "render", "validate", "warm_up", "xml_errors",
]
