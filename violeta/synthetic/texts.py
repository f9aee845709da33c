"""Spanish text for synthetic records: pseudonyms, narratives, notes and reasons.

Everything here is invented and deliberately generic: no real names, places, addresses,
telephone numbers or dates. People are pseudonyms that say so ("(seudónimo)"), and every
narrative is assembled from fragments that describe conduct, never a person.

Values are plain ASCII-safe text for the COPY format (no tab, newline or backslash); a test
checks it.
"""

from __future__ import annotations

# --- Pseudonyms -----------------------------------------------------------------------------
# Her name is recorded as "nombre o seudónimo"; synthetic people always carry a pseudonym built
# from a word and a number, so nobody can mistake one for a real person.
AFFECTED_WORDS = (
    "Acacia",
    "Alondra",
    "Amapola",
    "Anémona",
    "Arcoíris",
    "Aurora",
    "Azahar",
    "Azucena",
    "Begonia",
    "Brisa",
    "Bugambilia",
    "Calandria",
    "Camelia",
    "Canela",
    "Celeste",
    "Ceiba",
    "Cereza",
    "Cierva",
    "Colibrí",
    "Coral",
    "Dalia",
    "Duna",
    "Estrella",
    "Fresia",
    "Gardenia",
    "Garza",
    "Gaviota",
    "Glicina",
    "Golondrina",
    "Hiedra",
    "Hortensia",
    "Iris",
    "Jacaranda",
    "Jazmín",
    "Lavanda",
    "Lila",
    "Lluvia",
    "Loto",
    "Luna",
    "Magnolia",
    "Manzanilla",
    "Margarita",
    "Marina",
    "Menta",
    "Mimosa",
    "Nube",
    "Nogal",
    "Olivo",
    "Orquídea",
    "Palmera",
    "Paloma",
    "Perla",
    "Petunia",
    "Primavera",
    "Quetzal",
    "Retama",
    "Rocío",
    "Salvia",
    "Selva",
    "Sierra",
    "Tórtola",
    "Trébol",
    "Tulipán",
    "Vainilla",
    "Valeriana",
    "Verbena",
    "Violeta",
    "Yuca",
    "Zarzamora",
    "Zafiro",
)
ACCUSED_WORDS = (
    "Ágata",
    "Alerce",
    "Basalto",
    "Cedro",
    "Cobre",
    "Cuarzo",
    "Ébano",
    "Encino",
    "Fresno",
    "Granito",
    "Hierro",
    "Jade",
    "Laurel",
    "Mármol",
    "Mezquite",
    "Obsidiana",
    "Ónix",
    "Ópalo",
    "Pino",
    "Plata",
    "Roble",
    "Sauce",
    "Sílex",
    "Topacio",
    "Turquesa",
    "Zinc",
)
PSEUDONYM_SUFFIX = "(seudónimo)"
# The accused is often not named at intake.
UNKNOWN_ACCUSED = "Persona no identificada"
USED_NAMES = ("Alba", "Ariel", "Cielo", "Dana", "Eli", "Gael", "Noa", "Sol", "Zoe", "Kai")

# --- Jobs and places ------------------------------------------------------------------------
AFFECTED_POSITIONS = (
    "Auxiliar administrativa",
    "Analista",
    "Secretaria",
    "Recepcionista",
    "Promotora social",
    "Trabajadora operativa",
    "Jefa de oficina",
    "Técnica de campo",
    "Capturista",
    "Asistente de dirección",
    "Instructora de taller",
    "Agente de vialidad",
)
ACCUSED_POSITIONS = (
    "Jefe de departamento",
    "Coordinador de área",
    "Director de área",
    "Supervisor de turno",
    "Compañero de oficina",
    "Analista",
    "Auxiliar administrativo",
    "Encargado de almacén",
    "Subdirector",
    "Instructor de taller",
    "Chofer",
    "Agente operativo",
)
PLACES = {
    "centro_de_trabajo": (
        "Oficina de la dependencia",
        "Área de archivo",
        "Sala de juntas",
        "Estacionamiento del edificio",
        "Comedor del personal",
        "Bodega del área",
    ),
    "comision": ("Evento de trabajo fuera de la oficina", "Comisión en otra sede"),
    "via_publica": ("Vía pública cerca del trabajo", "Parada de autobús"),
    "transporte": ("Transporte público", "Vehículo oficial"),
    "domicilio": ("Domicilio particular", "Domicilio de un familiar"),
    "digital": ("Mensajes por redes sociales", "Mensajes al teléfono", "Correo electrónico"),
    "otro": ("Otro lugar",),
}
INDIGENOUS_COMMUNITIES = (
    "Pueblo rarámuri",
    "Pueblo ódami",
    "Pueblo warijó",
    "Pueblo o'oba",
    "Comunidad indígena (dato sintético)",
)

# --- Her account ----------------------------------------------------------------------------
ACCOUNT_OPENINGS = (
    "Desde hace unos meses",
    "Desde que cambié de área",
    "Hace algunas semanas",
    "Desde el inicio del año",
    "Durante los últimos meses",
    "Desde hace tiempo",
    "Hace poco",
    "Desde que empecé a trabajar ahí",
)
ACCOUNT_FACTS = {
    "workplace_sexual": (
        "mi superior me llama a su oficina a solas y hace comentarios sobre mi cuerpo.",
        "un compañero me manda mensajes de noche con insinuaciones que no quiero recibir.",
        "me dijeron que mi contrato depende de que acepte salir con una persona del área.",
        "una persona del trabajo me toca sin mi consentimiento cuando pasa junto a mí.",
    ),
    "workplace": (
        "me gritan frente a mis compañeras y me quitan funciones sin explicación.",
        "me excluyen de las reuniones y se burlan de mí en el área.",
        "me cambiaron de horario como represalia después de que pedí un permiso.",
        "se difunden rumores sobre mi vida personal en la oficina.",
    ),
    "partner": (
        "mi pareja revisa mi teléfono, me prohíbe ver a mi familia y me insulta.",
        "mi expareja me sigue y me amenaza con quitarme a mis hijas e hijos.",
        "mi pareja controla el dinero de la casa y no me deja trabajar.",
        "mi expareja me manda mensajes amenazantes todos los días.",
    ),
    "physical": (
        "me empujó y me golpeó durante una discusión.",
        "me jaloneó del brazo y me dejó marcas.",
    ),
    "community": (
        "una persona desconocida me acosa en el camino al trabajo.",
        "recibo comentarios y silbidos ofensivos cada vez que paso por el mismo lugar.",
    ),
    "family": (
        "un familiar me insulta y me amenaza en la casa.",
        "un familiar se queda con mi dinero y me impide salir.",
    ),
}
ACCOUNT_IMPACTS = (
    "Tengo miedo de ir a trabajar.",
    "No puedo dormir bien y estoy muy ansiosa.",
    "Me siento sola y no sé a quién acudir.",
    "Ya no quiero salir de mi casa.",
    "Tengo miedo de perder mi empleo.",
    "Mi familia está preocupada por mí.",
)
ACCOUNT_WISHES = (
    "Quiero que esto pare y recibir orientación.",
    "Quiero saber qué opciones tengo.",
    "Pido apoyo psicológico y asesoría jurídica.",
    "Quiero que se tomen medidas para protegerme.",
    "No quiero que haya represalias contra mí.",
)

# --- Notes and reasons ----------------------------------------------------------------------
SESSION_NOTES = {
    "psicologia": (
        "Primera entrevista: se escucha su relato sin juzgar y se acuerda un plan de seguridad.",
        "Sesión de contención emocional; refiere mejoría en el sueño.",
        "Se trabajan estrategias de afrontamiento y redes de apoyo.",
        "Seguimiento: refiere ansiedad moderada; se acuerda nueva cita.",
    ),
    "juridica": (
        "Se le explican sus derechos y las vías legales disponibles.",
        "Orientación sobre medidas de protección y cómo solicitarlas.",
        "Se revisan sus opciones para presentar una denuncia; ella decidirá.",
        "Se le informa el estado del procedimiento interno.",
    ),
    "trabajo_social": (
        "Se identifican redes de apoyo y necesidades inmediatas.",
        "Se le orienta sobre servicios de cuidado y apoyos sociales.",
        "Visita de seguimiento a distancia; se actualizan sus datos de contacto seguros.",
    ),
    "medica": (
        "Valoración médica inicial; se le orienta sobre atención de seguimiento.",
        "Se verifica su estado de salud y se canaliza si es necesario.",
    ),
}
RAISE_REASONS = (
    "Por criterio profesional se eleva el nivel: ella describe una escalada reciente.",
    "Se eleva el nivel por la cercanía de la persona señalada a su lugar de trabajo.",
)
REFERRAL_REASONS = (
    "Ella pide acompañamiento especializado que esa institución ofrece.",
    "Se canaliza para atención complementaria a la del instituto.",
    "Ella desea recibir asesoría en una institución cercana a su domicilio.",
)
REFERRAL_CONTACTS = (
    "Trabajadora social de guardia",
    "Área de atención inicial",
    "Enlace de canalizaciones",
)
REFERRAL_REJECTED_NOTES = (
    "La institución indicó que el asunto no corresponde a su competencia.",
    "La institución no tenía cupo y sugirió otra opción.",
)
STAGE_REASONS = {
    "no_activar": (
        "El comité valoró que los hechos no corresponden al ámbito del protocolo; "
        "se le sigue atendiendo.",
        "La persona señalada no es servidora pública; "
        "el caso se canaliza a la instancia competente.",
    ),
    "seguir_sin_oic": (
        "La persona señalada no es servidora pública; se da seguimiento a las medidas "
        "y se canaliza a la Fiscalía.",
    ),
    "no_responsabilidad": (
        "El Órgano Interno de Control no encontró elementos suficientes "
        "de responsabilidad administrativa.",
    ),
    "retirar_solicitud": (
        "Ella decidió no continuar por ahora; se le informó cómo volver a pedir ayuda.",
    ),
    "retirar_solicitud_registrada": (
        "Ella retiró la solicitud; se le informó cómo volver a pedir ayuda.",
    ),
}
GENERIC_STAGE_REASON = "Decisión registrada con sus motivos en el expediente."
GUIDELINE_DONE_NOTES = (
    "Se cumplió el lineamiento; consta en el expediente.",
    "Se dio aviso a la autoridad competente mediante oficio.",
    "Se contó con intérprete y ajustes razonables desde la primera entrevista.",
)
GUIDELINE_NOT_APPLICABLE_NOTES = (
    "No aplica: la autoridad competente ya conocía los hechos.",
    "No aplica en este caso según la valoración del equipo.",
)
CLOSURE_NOTES = (
    "",
    "Se le informó cómo volver a pedir ayuda.",
    "Cierre acordado con ella.",
)
ALLEGATIONS = (
    "Se le atribuyen conductas de hostigamiento sexual hacia una persona subordinada "
    "en el área de trabajo.",
    "Se le atribuyen comentarios de connotación sexual y contacto físico no consentido "
    "en el trabajo.",
    "Se le atribuyen conductas de acoso laboral reiteradas: gritos, exclusión y represalias.",
    "Se le atribuye el envío reiterado de mensajes de contenido sexual no deseado a una compañera.",
)
COMITE_PLACES = ("Sala de juntas del Instituto", "Sala del comité (sesión a distancia)")
COMITE_AGREEMENTS = (
    "",
    "Se votan medidas de protección y se turna el caso al Órgano Interno de Control.",
    "Se acuerda dar seguimiento a las medidas y revisar su cumplimiento.",
)
MEASURE_DETAILS = (
    "",
    "Mientras dure el procedimiento.",
    "Con seguimiento quincenal de su cumplimiento.",
)
MEASURE_RESPONSIBLES = (
    "Recursos Humanos de la dependencia",
    "Titular de la dependencia",
    "Oficialía Mayor",
)
RESOLUTION_GROUNDS = {
    "sancion": (
        "Con base en las pruebas desahogadas se acreditó la falta administrativa atribuida.",
    ),
    "no_responsabilidad": (
        "Las pruebas desahogadas no acreditaron la falta administrativa atribuida.",
    ),
}
VISTA_MP_NOTES = (
    "Se valoró que los hechos pueden constituir delito y se dio vista al Ministerio Público.",
    "Se valoró que los hechos no constituyen delito.",
)
