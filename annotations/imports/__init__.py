"""Work brought in from other tools: Label Studio JSON exports (:mod:`.labelstudio`) and W3C Web
Annotations (:mod:`.w3c`), each imported in one transaction, or tried out in a dry run that
reports the same and changes nothing (:mod:`.report`)."""
